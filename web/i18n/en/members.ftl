# The members pages: the roster, applications and votes, an org's page, our profile.
members-title = Members
members-roster = Member organizations
members-count = { $count ->
    [one] The network has 1 member organization.
   *[other] The network has { $count } member organizations.
}
members-thresholds = Admitting a new organization takes { $admit } endorsements of the { $members } members; removing a member takes { $remove } votes of the others.
members-edit-ours = Edit our profile and see our devices
members-pages = Pages of the roster
members-previous = Previous page
members-next = Next page
members-badge-us = Your organization
members-badge-founder = Founder
members-badge-endorsed = You endorsed it
members-badge-your-vote = Waiting for your vote
members-badge-voted-remove = You voted to remove it
members-working-groups = Working groups
members-languages = Languages
members-devices-count = { $count ->
    [0] No device known here yet
    [one] 1 device in use
   *[other] { $count } devices in use
}

members-applications = Applications
members-applications-none = No organization is waiting to join.
members-applied-when = Applied { $when }
members-applied-on = Applied on { $date }
members-review-vote = Read the application and vote
members-see-application = See the application
members-removals = Proposals to remove a member
members-removal-voters = Voted to remove: { $orgs }
members-endorsed-by = Endorsed by: { $orgs }

members-not-member-heading = Your organization is not a member yet
members-not-member-intro = This node belongs to { $org }, which is not yet a member of this network. Until members admit it, this node can share its own profile and application, but it does not receive what members share.
members-not-member-how = To join, send an application: say who your organization is and why it asks to join. Member organizations read it and vote; once enough of them endorse it, your organization becomes a member.
members-apply-button = Apply to join
members-apply-again = Send a new application
members-check-profile = Check our profile first
members-see-profile = See our profile
members-own-applied = Your organization applied on { $date }:
members-own-lag = Members' votes reach this node only once your organization is admitted, so the count shown here may be behind.
members-applied-notice = Your application was published. Member organizations will see it the next time their nodes connect to this one.

members-state-member = Member
members-state-applicant = Applying to join
members-state-outsider = Not a member
members-application-heading = Application
members-removal-heading = Proposal to remove this member
members-position-endorsed = Your organization has endorsed this application.
members-position-waiting = Your organization has not voted on this application yet.
members-position-removing = Your organization has voted to remove this member.
members-profile-heading = Profile
members-no-profile = This organization has not published a profile yet.
members-field-name = Name
members-field-country = Country
members-field-region = Region
members-field-website = Website
members-field-description = What the organization does
members-org-id = Organization id:
members-devices-heading = Devices
members-devices-none = No device of this organization has reached this node yet.
members-this-device = This device
members-revoked = Revoked
members-device-revoked = refused from record { $count } on
members-device-records = { $count ->
    [0] no records held here
    [one] 1 record held here
   *[other] { $count } records held here
}

members-removal-offer-heading = If this organization must leave the network
members-removal-how = { $needed ->
    [one] Removing a member takes the vote of one other member organization.
   *[other] Removing a member takes the votes of { $needed } other member organizations.
} You will be asked to confirm, and what it has already published stays.
members-vote-heading = Your organization's vote
members-vote-hint = Each vote is signed by your organization. You will be asked to confirm.
members-button-admit = Endorse admission
members-button-remove = Propose removal
members-button-withdraw = Withdraw our vote
members-vote-title = Vote
members-vote-now = Now: { $tally }.
members-vote-signed = This vote is signed by your organization and cannot be taken back, only changed by a later vote.
members-vote-cancel = Cancel
members-vote-admit-title = Endorse the admission of { $org }?
members-vote-admit-consequence = Admitting { $org } lets its devices publish to the whole network and read the records shared with members only. It becomes a member once { $needed } member organizations have endorsed it.
members-vote-admit-decides = Your endorsement completes the decision: { $org } becomes a member as soon as it is published.
members-vote-admit-button = Endorse admission
members-vote-remove-title = Vote to remove { $org }?
members-vote-remove-consequence = Removing { $org } cuts its devices off: they can no longer publish to the network or read the records shared with members only. What it has already published stays. It is removed once { $needed } of the other member organizations have voted so.
members-vote-remove-decides = Your vote completes the decision: { $org } is removed as soon as it is published.
members-vote-remove-button = Vote to remove
members-vote-withdraw-title = Withdraw your vote on { $org }?
members-vote-withdraw-endorsement = Your organization's endorsement of { $org } will no longer count towards admitting it. You can endorse it again later.
members-vote-withdraw-removal = Your organization's vote to remove { $org } will no longer count. You can vote again later.
members-vote-withdraw-button = Withdraw our vote
members-vote-bad-choice = This vote is not one the app knows. Go back to the organization's page and use its buttons.
members-vote-not-member = Only member organizations vote. Your organization can vote once it is admitted.
members-vote-already-member = { $org } is already a member.
members-vote-unknown = { $org } has not applied to join, so there is nothing to endorse.
members-vote-already-endorsed = Your organization has already endorsed { $org }.
members-vote-not-ourselves = Your organization cannot vote to remove itself.
members-vote-not-a-member = { $org } is not a member, so it cannot be removed.
members-vote-already-removing = Your organization has already voted to remove { $org }.
members-vote-nothing-to-withdraw = Your organization has no vote on { $org } to withdraw.
members-notice-endorsed = Your endorsement was published. Now: { $tally }.
members-notice-admitted = Your endorsement was published, and { $org } is now a member of the network.
members-notice-remove-voted = Your vote was published. Now: { $tally }.
members-notice-removed = Your vote was published, and { $org } is no longer a member of the network.
members-notice-withdrawn = Your vote was withdrawn. Now: { $tally }.

members-apply-title = Apply to join
members-apply-lead = Member organizations read your application together with your organization's profile before they vote. Sending this form publishes both, signed by your organization.
members-apply-who = Who your organization is
members-apply-who-new = Your organization has no profile yet: without one, members would see only a short code instead of its name. These details are published as its profile with the application; you can add its website, working groups and languages on the profile page later.
members-apply-who-from-profile = Filled in from your organization's latest profile. If you change anything here, a new version of the profile is published with the application; its website, working groups and languages stay as they are.
members-apply-name = Your organization's name
members-apply-description-hint = A few sentences: what your organization does, for whom, and where.
members-apply-statement = Why your organization asks to join
members-apply-statement-hint = Who you are, where you work, and what you would bring to and hope from the network.
members-apply-signed = The application is signed by your organization and cannot be taken back; you can send a new one later.
members-apply-send = Send the application
members-apply-statement-missing = Write a few words about your organization and why it asks to join.
members-apply-statement-long = The statement is too long: write at most { $count } characters.

members-profile-title = Our profile
members-profile-intro = Every member organization sees this profile. Saving it publishes a new version, signed by your organization.
members-profile-none-yet = Your organization has not published a profile yet: members see only its name.
members-profile-edit = Edit the profile
members-field-region-hint = For example: East Africa, Southeast Asia, Andean region.
members-field-list-hint = Separate them with commas, for example: Housing, Land, Strategic litigation.
members-field-languages-hint = The languages your organization works in, separated by commas.
members-profile-public = The profile is visible to every member of the network.
members-profile-save = Publish the profile
members-profile-saved = Your profile was published. Members see it as their nodes catch up.
members-profile-name-missing = Give your organization's name.
members-profile-too-long = A field is too long: write at most { $max } characters in the name, country, region and website.
members-profile-description-long = The description is too long: write at most { $count } characters.
members-profile-website-bad = The website must be a web address starting with https:// or http://.
members-devices-change = Adding or revoking a device
members-devices-root-key = Adding or revoking a device needs your organization's root key, which stays offline on your operator's machine and never enters this node. Give your operator the command below; they run it where the root key is.
members-devices-add-heading = Add a device
members-devices-add-how = This writes a folder for the new device (a laptop, a second server). Copy it to the device and start the node there; it joins as one of your organization's devices.
members-devices-sample-label = field laptop
members-devices-revoke-heading = Revoke a lost or seized device
members-devices-revoke-how = A revoked device's records from the given record number on are refused everywhere. Each command below refuses only what a device makes from now on; if it was taken earlier, your operator uses the number after the last record you trust.
members-devices-revoke-none = There is no other device to revoke.
members-devices-revoke-this = This device ({ $device }) cannot revoke itself: revoke it from another device of your organization.
