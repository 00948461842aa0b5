# Redaction by the members' vote: a case study's panel, the vote page, the list.
redaction-panel-title = Safety
redaction-tally = { $votes } of { $needed } { $needed ->
    [one] vote
   *[other] votes
} needed to redact it
redaction-request-action = Request redaction…
redaction-vote-action = Vote to redact…
redaction-hint = If this case study puts someone in danger and its organization cannot or will not retract it, any member can ask the network to redact it.
redaction-hint-asked = A member asked the network to redact this case study. Read the reasons; if you agree, add your organization's vote.
redaction-hint-voted = Your organization has voted to redact it. Its content is dropped on every node once enough members vote.
redaction-hint-ours = Members can ask the network to redact a case study that puts someone in danger. If you agree with a request, retract it yourself: that is faster.
redaction-page-title = Redact this case study
redaction-what = Redacting it by vote means:
redaction-needed = { $count ->
    [one] Once 1 member organization other than its author has voted, every node drops its content, as if its organization had retracted it. Its files are deleted too.
   *[other] Once { $count } member organizations other than its author have voted, every node drops its content, as if its organization had retracted it. Its files are deleted too.
}
redaction-author-cannot-block = The organization that published it cannot block the redaction.
redaction-vote-signed = Your vote is signed in your organization's name, every member sees it with your reason, and it cannot be withdrawn.
redaction-reason = Why it puts someone in danger, shown to every member
redaction-reason-hint = Say what the danger is without repeating what endangers them, for example: it names a witness who has since been threatened.
redaction-reason-empty = Give a reason, in a few words: the other members decide on it.
redaction-confirm = Vote to redact
redaction-cancel = Go back without voting
redaction-refused-own = This case study is your organization's own: retract it instead, from its page.
redaction-refused-not-member = Only member organizations can vote to redact a record, and yours is not a member now.
redaction-refused-voted = Your organization has already voted to redact this case study.
redaction-done-voted = Your vote was published. Other members see the request on this page and in Members, as their nodes sync.
redaction-done-redacted = Your vote was the last one needed: every node drops the content as the vote reaches it.
redaction-redacted-title = This case study was redacted
redaction-redacted-by = Redacted by the members' vote
redaction-redacted-author = published by
redaction-redacted-reason = The reason given
redaction-redacted-explain = Enough member organizations voted that it put someone in danger. Its content and files are no longer kept on this node or on any other; only the signed fact that it existed, and the votes, remain.
# A campaign update's redaction: the words differ from a case study's in other languages.
redaction-update-tally = { $votes } of { $needed } { $needed ->
    [one] vote
   *[other] votes
} needed to redact this update
redaction-update-request-action = Request redaction of this update…
redaction-update-vote-action = Vote to redact this update…
redaction-update-voted = Your organization has voted to redact this update.
redaction-update-hint = If an update puts someone in danger and its organization cannot or will not retract it, any member can ask the network to redact it.
redaction-update-page-title = Redact this campaign update
redaction-update-of = Update to { $campaign }
redaction-update-of-gone = Update to a campaign that was taken down
redaction-update-what = Redacting it by vote means:
redaction-update-needed = { $count ->
    [one] Once 1 member organization other than its author has voted, every node drops its text, as if its organization had retracted it.
   *[other] Once { $count } member organizations other than its author have voted, every node drops its text, as if its organization had retracted it.
}
redaction-update-author-cannot-block = The organization that posted it cannot block the redaction.
redaction-update-reason = Why it puts someone in danger, shown to every member
redaction-update-reason-hint = Say what the danger is without repeating what endangers them, for example: it gives the address where a detained defender's family is staying.
redaction-update-confirm = Vote to redact this update
redaction-update-refused-own = This update is your organization's own: your operator can retract it with commons publish retract.
redaction-update-refused-voted = Your organization has already voted to redact this update.
# An alert's redaction.
redaction-alert-tally = { $votes } of { $needed } { $needed ->
    [one] vote
   *[other] votes
} needed to redact this alert
redaction-alert-hint = If this alert puts someone in danger and its organization cannot or will not retract it, any member can ask the network to redact it.
redaction-alert-hint-asked = A member asked the network to redact this alert. Read the reasons; if you agree, add your organization's vote.
redaction-alert-hint-voted = Your organization has voted to redact it. Its content is dropped on every node once enough members vote.
redaction-alert-hint-ours = Members can ask the network to redact an alert that puts someone in danger. If you agree with a request, retract it yourself: your operator can, with commons publish retract.
redaction-alert-page-title = Redact this alert
redaction-alert-what = Redacting it by vote means:
redaction-alert-needed = { $count ->
    [one] Once 1 member organization other than its author has voted, every node drops its content, as if its organization had retracted it.
   *[other] Once { $count } member organizations other than its author have voted, every node drops its content, as if its organization had retracted it.
}
redaction-alert-author-cannot-block = The organization that raised it cannot block the redaction.
redaction-alert-reason = Why it puts someone in danger, shown to every member
redaction-alert-reason-hint = Say what the danger is without repeating what endangers them, for example: it says where a defender who fled is hiding.
redaction-alert-confirm = Vote to redact this alert
redaction-alert-refused-own = This alert is your organization's own: your operator can retract it with commons publish retract.
redaction-alert-refused-voted = Your organization has already voted to redact this alert.
# A campaign's redaction.
redaction-campaign-tally = { $votes } of { $needed } { $needed ->
    [one] vote
   *[other] votes
} needed to redact this campaign
redaction-campaign-hint = If this campaign puts someone in danger and its organization cannot or will not retract it, any member can ask the network to redact it, with all its versions.
redaction-campaign-hint-asked = A member asked the network to redact this campaign. Read the reasons; if you agree, add your organization's vote.
redaction-campaign-hint-voted = Your organization has voted to redact it. Its content is dropped on every node once enough members vote.
redaction-campaign-hint-ours = Members can ask the network to redact a campaign that puts someone in danger. If you agree with a request, retract it yourself: your operator can, with commons publish retract.
redaction-campaign-page-title = Redact this campaign
redaction-campaign-what = Redacting it by vote means:
redaction-campaign-needed = { $count ->
    [one] Once 1 member organization other than its author has voted, every node drops its content and that of all its versions, as if its organization had retracted it. Its updates stay.
   *[other] Once { $count } member organizations other than its author have voted, every node drops its content and that of all its versions, as if its organization had retracted it. Its updates stay.
}
redaction-campaign-author-cannot-block = The organization that leads it cannot block the redaction.
redaction-campaign-reason = Why it puts someone in danger, shown to every member
redaction-campaign-reason-hint = Say what the danger is without repeating what endangers them, for example: its goals name detained defenders whose families asked for silence.
redaction-campaign-confirm = Vote to redact this campaign
redaction-campaign-refused-own = This campaign is your organization's own: your operator can retract it with commons publish retract.
redaction-campaign-refused-voted = Your organization has already voted to redact this campaign.
# A profile's redaction.
redaction-profile-tally = { $votes } of { $needed } { $needed ->
    [one] vote
   *[other] votes
} needed to redact this profile
redaction-profile-hint = If this profile puts someone in danger and its organization cannot or will not retract it, any member can ask the network to redact it, with all its versions.
redaction-profile-hint-asked = A member asked the network to redact this profile. Read the reasons; if you agree, add your organization's vote.
redaction-profile-hint-voted = Your organization has voted to redact it. Its content is dropped on every node once enough members vote.
redaction-profile-hint-ours = Members can ask the network to redact a profile that puts someone in danger. If you agree with a request, retract it yourself: your operator can, with commons publish retract.
redaction-profile-page-title = Redact this profile
redaction-profile-of = Profile of { $org }
redaction-profile-what = Redacting it by vote means:
redaction-profile-needed = { $count ->
    [one] Once 1 member organization other than its author has voted, every node drops its content and that of all its versions, as if its organization had retracted it. The organization stays a member; an earlier profile it published, if any, shows in its place.
   *[other] Once { $count } member organizations other than its author have voted, every node drops its content and that of all its versions, as if its organization had retracted it. The organization stays a member; an earlier profile it published, if any, shows in its place.
}
redaction-profile-author-cannot-block = The organization it describes cannot block the redaction.
redaction-profile-reason = Why it puts someone in danger, shown to every member
redaction-profile-reason-hint = Say what the danger is without repeating what endangers them, for example: its description gives the home town of a coordinator who is being followed.
redaction-profile-confirm = Vote to redact this profile
redaction-profile-refused-own = This profile is your organization's own: your operator can retract it with commons publish retract, and you can then write a new one from your organization's profile page.
redaction-profile-refused-voted = Your organization has already voted to redact this profile.
# A response to an alert's redaction.
redaction-response-tally = { $votes } of { $needed } { $needed ->
    [one] vote
   *[other] votes
} needed to redact this response
redaction-response-request-action = Request redaction of this response…
redaction-response-vote-action = Vote to redact this response…
redaction-response-voted = Your organization has voted to redact this response.
redaction-response-hint = If a response puts someone in danger and its organization cannot or will not retract it, any member can ask the network to redact it.
redaction-response-page-title = Redact this response to an alert
redaction-response-of = Response to { $alert }
redaction-response-of-gone = Response to an alert that was taken down
redaction-response-what = Redacting it by vote means:
redaction-response-needed = { $count ->
    [one] Once 1 member organization other than its author has voted, every node drops its note, as if its organization had retracted it.
   *[other] Once { $count } member organizations other than its author have voted, every node drops its note, as if its organization had retracted it.
}
redaction-response-author-cannot-block = The organization that responded cannot block the redaction.
redaction-response-reason = Why it puts someone in danger, shown to every member
redaction-response-reason-hint = Say what the danger is without repeating what endangers them, for example: its note says where the family is sheltering.
redaction-response-confirm = Vote to redact this response
redaction-response-refused-own = This response is your organization's own: your operator can retract it with commons publish retract.
redaction-response-refused-voted = Your organization has already voted to redact this response.
redactions-title = Redaction requests
redactions-breadcrumb-label = Where you are
redactions-intro = Records that a member organization asked the network to redact because they put someone in danger. Each needs the votes of enough other members; the organization that published it cannot block it.
redactions-open = Waiting for votes
redactions-none = No redaction is being asked for.
redactions-decided = Redacted
redactions-badge-voted = You voted
redactions-badge-redacted = Redacted
redactions-kind-practice = Case study
redactions-kind-campaign = Campaign
redactions-kind-update = Campaign update
redactions-kind-alert = Alert
redactions-kind-response = Alert response
redactions-kind-profile = Profile
redactions-kind-other = Record
redactions-kind-gone = Content gone
redactions-org-unknown = An organization this node does not know
members-redactions-open = { $count ->
    [0] No redaction is being asked for.
    [one] 1 request is waiting for votes.
   *[other] { $count } requests are waiting for votes.
}
members-redactions-see = See the requests
