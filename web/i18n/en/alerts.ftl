# The alerts pages: the System of Solidarity's open and expired alerts, an alert with
# its responses, responding, raising an alert.
alerts-title = Solidarity alerts
alerts-lead = When a member or its community is under threat, an alert goes out and members respond. Open alerts come first, the most urgent at the top.
alerts-raise = Raise an alert
alerts-open-heading = { $count ->
    [0] Open alerts
    [one] Open alerts (1)
   *[other] Open alerts ({ $count })
}
alerts-open-none = No alert is open right now.
alerts-expired-heading = { $count ->
    [0] Expired alerts
    [one] Expired alerts (1)
   *[other] Expired alerts ({ $count })
}
alerts-expired-none = No alert has expired yet.
alerts-expired-show = { $count ->
    [one] Show the expired alert
   *[other] Show the { $count } expired alerts
}
alerts-expired-cut = Showing the { $count } most recently expired.
alerts-list-cut = Only the newest alerts on this node are listed.
alerts-raised-by = raised by
alerts-us = us
alerts-we-responded = We responded
alerts-responded-count = { $total ->
    [0] No other member organization to respond
   *[other] { $count } of { $total } member organizations responded
}
alerts-expires-in-minutes = { $count ->
    [one] Expires in 1 minute
   *[other] Expires in { $count } minutes
}
alerts-expires-in-hours = { $count ->
    [one] Expires in 1 hour
   *[other] Expires in { $count } hours
}
alerts-expires-in-days = { $count ->
    [one] Expires in 1 day
   *[other] Expires in { $count } days
}
alerts-expired-ago = Expired { $when }

alerts-breadcrumb-label = You are here
alerts-new-title = Raise an alert
alerts-new-lead = An alert reaches every member organization at once. Say what happened, where, and what you ask members to do.
alerts-new-not-raised = The alert was not raised:
alerts-field-severity = How urgent is it?
alerts-severity-critical-hint = Someone is in immediate danger.
alerts-severity-urgent-hint = Members should act within days.
alerts-severity-watch-hint = A situation to follow; no action needed yet.
alerts-field-title = Title
alerts-field-region = Region
alerts-field-region-hint = The country, province or city concerned.
alerts-field-body = What happened
alerts-field-body-hint = The facts as you know them. Leave out anything that could endanger the people concerned. You can use Markdown.
alerts-field-action = Action requested
alerts-field-action-hint = What members should do: a statement, letters, calls to authorities, a visit. You can use Markdown.
alerts-field-hours = Open for how many hours
alerts-field-hours-hint = After this, the alert is listed as expired. 168 hours is one week.
alerts-new-visibility = Only member organizations of the network can see alerts and responses.
alerts-new-submit = Raise the alert
alerts-cancel = Cancel
alerts-error-severity = Choose how urgent the alert is.
alerts-error-region = Say which region the alert concerns.
alerts-error-title = Give the alert a title.
alerts-error-too-long = The title and the region may have at most { $max } characters each.
alerts-error-body = Say what happened.
alerts-error-hours = Give a number of hours from 1 to { $max }.
alerts-done-raised = The alert was raised and sent to the network.

alerts-expired-badge = Expired
alerts-what-happened = What happened
alerts-action-requested = Action requested
alerts-action-none = No particular action was requested.
alerts-respond-title = Our response
alerts-our-response = Our organization responded:
alerts-respond-legend = How is our organization responding?
alerts-respond-again = Change our response
alerts-response-seen = Seen
alerts-response-acting = Acting
alerts-response-shared = Shared
alerts-response-seen-hint = we have read the alert
alerts-response-acting-hint = we are taking the requested action
alerts-response-shared-hint = we passed it on to our own contacts
alerts-field-note = Note (optional)
alerts-field-note-hint = For instance, the letter you sent or whom you contacted.
alerts-respond-submit = Send our response
alerts-respond-closed = This alert has expired, so it no longer takes responses.
alerts-respond-raiser = Our organization raised this alert, so it does not respond to it: the responses of the other member organizations appear below, under “Who has responded”.
alerts-error-response = Choose a response: seen, acting or shared.
alerts-error-note-long = The note may have at most { $max } characters.
alerts-done-responded = Our response was sent to the network.
alerts-responses-title = Who has responded
alerts-not-yet-title = { $count ->
    [0] Not yet responded
    [one] Not yet responded (1)
   *[other] Not yet responded ({ $count })
}
alerts-not-yet-none = Every member organization has responded.
alerts-raiser-not-counted = The organization that raised the alert is not counted.
alerts-responses-cut = Only the most recent responses on this node were searched; some older ones may not be shown.
alerts-facts = About this alert
alerts-fact-severity = Severity
alerts-fact-region = Region
alerts-fact-raised-by = Raised by
alerts-fact-raised = Raised
alerts-fact-expires = Expires
alerts-fact-expired = Expired
alerts-retracted = The organization that raised this alert retracted it, so its content is no longer kept on this node.
alerts-redacted = Enough member organizations voted that this alert put someone in danger, so its content is no longer kept on this node or on any other.
alerts-gone-responses = Responses to it still kept here
alerts-gone-responses-explain = Each response belongs to the organization that sent it, so they were not taken down with the alert. If one of them also puts someone in danger, ask the members to redact it.
