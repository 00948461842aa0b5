# Shared by every page: navigation, notices, errors, dates and times.
nav-skip = Skip to content
nav-label = Main
nav-home = Home
nav-cases = Case studies
nav-campaigns = Campaigns
nav-alerts = Alerts
nav-members = Members
nav-groups = Working groups
nav-node = This node
nav-language = Language
nav-language-apply = Change
nav-acting-for = Acting for
nav-logout = Log out

live-new-one = A new record arrived.
live-new-many = New records arrived: { $count }.
live-new-alert = A new solidarity alert arrived.
live-new-answer = Another organization answered our alert.
live-refresh = Show it
notify-button = Notify me of new alerts
notify-on = This browser will show a notification when a new solidarity alert arrives or another organization answers one of ours, while Commons is open in it.
notify-blocked = This browser blocks notifications from Commons. To get them, allow notifications for this address in the browser's site settings.

footer-text = Commons runs on your organization's own node. Everything you see here was checked against its author's signature.

error-back-home = Back to the home page
error-store = This node could not read its records. If it happens again, ask your operator to check the node's log.
error-not-found = There is nothing at this address. It may have been retracted, or it has not reached this node yet.
error-not-found-title = Not found
form-too-large = This form is too large to send. Shorten the text and try again.
form-unreadable = This form could not be read. Reload the page and try again.
form-expired = This form has expired. Reload the page and send it again.

welcome-title = Commons
welcome-intro = This is your organization's Commons node. Only people with access to this computer can come in.
welcome-how = To open the app, run this command on the computer where the node runs, then follow the link it prints:
welcome-why = Each link works once and for five minutes. Ask your organization's operator if you cannot run commands on this computer.
welcome-link-used = This link has already been used or has expired. Run commons open again for a new one.
login-done-title = You are in
login-done-continue = Continue to Commons

publish-invalid = The node refused this: { $detail }. Correct it and send it again.
publish-held = This node cannot publish yet: { $detail }
publish-shutdown = The node is shutting down, so nothing was published. Try again when it is running.
publish-failed = Nothing was published: { $detail }. Try again; if it fails again, ask your operator to check the node's log.

severity-critical = Critical
severity-urgent = Urgent
severity-watch = Watch

tally-admit = { $count } of { $needed } endorsements to admit
tally-remove = { $count } of { $needed } votes to remove

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date-format = { $day } { $month } { $year }
datetime-format = { $date }, { $time } UTC
time-just-now = just now
time-minutes-ago = { $count ->
    [one] 1 minute ago
   *[other] { $count } minutes ago
}
time-hours-ago = { $count ->
    [one] 1 hour ago
   *[other] { $count } hours ago
}
time-days-ago = { $count ->
    [one] yesterday
   *[other] { $count } days ago
}
