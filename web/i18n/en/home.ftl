# The home page: what is new since the last visit.
home-title = What is new
home-since = Since your last visit ({ $since }).
home-since-first = Your first visit: here is what the network shared in the last { $count } days.
home-counts-label = What is new, in numbers
home-count-alerts = { $count ->
    [one] open alert
   *[other] open alerts
}
home-count-cases = { $count ->
    [one] new case study
   *[other] new case studies
}
home-count-updates = { $count ->
    [one] campaign update
   *[other] campaign updates
}
home-count-votes = { $count ->
    [one] vote waiting for us
   *[other] votes waiting for us
}
home-alerts = Open solidarity alerts
home-alerts-none = No alert is open. When a member raises one, it appears here first.
home-alerts-all = All alerts
home-ours = Our recent alerts
home-ours-none = Our organization has raised no alert yet.
home-votes = Votes waiting for our organization
home-votes-none = Nothing waits for our vote.
home-votes-all = Members and votes
home-cases = New case studies
home-cases-none = No new case study since your last visit.
home-cases-all = The case-study library
home-cases-write = Write a case study
home-updates = Campaign updates
home-updates-none = No campaign update since your last visit.
home-updates-all = All campaigns
home-campaign-unknown = A campaign not yet on this node
home-vote-admit = { $org } asks to join
home-vote-remove = Proposed: remove { $org }
