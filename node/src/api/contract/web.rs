//! The web app's login link.
