//! Urgent solidarity alerts: the list, one alert and its responses.
