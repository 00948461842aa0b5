# The campaigns pages: the list, a campaign's page with its updates, starting one.
campaigns-title = Campaigns
campaigns-lead = Campaigns are run by a coalition of members: a lead organization and its partners, with goals and a stream of updates.
campaigns-start = Start a campaign
campaigns-tabs-label = Which campaigns
campaigns-tab-ours = { $count ->
    [one] Ours (1)
   *[other] Ours ({ $count })
}
campaigns-tab-partner = We partner in ({ $count })
campaigns-tab-all = All ({ $count })
campaigns-empty-ours = Our organization does not lead any campaign yet.
campaigns-empty-partner = No campaign lists our organization as a partner yet.
campaigns-empty-all = No campaign has reached this node yet.
campaigns-see-all = See all campaigns
campaigns-led-by = Led by
campaigns-with = with
campaigns-goal-count = { $count ->
    [0] No goals listed
    [one] 1 goal
   *[other] { $count } goals
}
campaigns-started-on = started { $date }
campaigns-latest-update = latest update { $date }
campaigns-no-update-yet = no update yet
campaigns-list-cut = Showing the { $count } newest campaigns on this node.

campaigns-status-planning = Planning
campaigns-status-active = Active
campaigns-status-paused = Paused
campaigns-status-won = Won
campaigns-status-closed = Closed

campaigns-breadcrumb-label = You are here
campaigns-new-title = Start a campaign
campaigns-new-lead = Our organization will lead it. Partners can post updates to it too.
campaigns-new-not-started = The campaign was not started:
campaigns-field-title = Title
campaigns-field-goals = Goals
campaigns-field-goals-hint = One goal per line, such as “A moratorium on evictions until the hearing”.
campaigns-field-partners = Partner organizations
campaigns-field-partners-hint = Member organizations that run this campaign with us.
campaigns-field-partners-none = There are no other member organizations yet.
campaigns-field-status = Status
campaigns-new-visibility = Only member organizations of the network can see campaigns.
campaigns-new-submit = Start the campaign
campaigns-cancel = Cancel
campaigns-error-title = Give the campaign a title.
campaigns-error-title-long = The title is too long: at most { $max } characters.
campaigns-error-goals = Too many goals: list at most { $max }.
campaigns-done-started = The campaign was started and shared with the network.

campaigns-goals = Goals
campaigns-goals-none = No goals were listed.
campaigns-updates = Updates
campaigns-updates-none = No update yet.
campaigns-updates-cut = Only the most recent updates on this node were searched; some older ones may not be shown.
campaigns-us = us
campaigns-status-now = new status:
campaigns-update-outsider = Posted by an organization outside this campaign's coalition.
campaigns-coalition = Coalition
campaigns-lead-org = Lead organization
campaigns-partners = Partners
campaigns-partners-none = None
campaigns-started = Started
campaigns-role-lead = We lead this campaign
campaigns-role-partner = We are a partner
campaigns-post-title = Post an update
campaigns-field-update = What is new
campaigns-field-update-hint = A hearing date, a win, a setback, a call to action. You can use Markdown.
campaigns-field-new-status = Status
campaigns-status-unchanged = No change (still { $status })
campaigns-post-submit = Post the update
campaigns-post-coalition-only = Only the lead organization and its partners post updates to this campaign.
campaigns-error-update-body = Write the update before posting it.
campaigns-error-not-coalition = Only the lead organization and its partners can post updates to this campaign.
campaigns-done-update = Your update was posted.
campaigns-retracted = Its organization retracted this campaign, so its content is no longer kept on this node.
campaigns-redacted = Enough member organizations voted that this campaign put someone in danger, so its content is no longer kept on this node or on any other.
campaigns-gone-updates = Updates to it still kept here
campaigns-gone-updates-explain = Each update belongs to the organization that posted it, so they were not taken down with the campaign. If one of them also puts someone in danger, ask the members to redact it.

# Editing one of ours, and its history.
campaigns-edit-action = Edit this campaign
campaigns-edit-title = Edit the campaign
campaigns-edit-back = This campaign
campaigns-edit-lead = Correct the title, goals, partners or status. Publishing signs a new version in our organization's name; members' nodes show it in place of the current one, and every earlier version stays in the history.
campaigns-edit-submit = Publish the new version
campaigns-edit-not-published = The new version was not published:
campaigns-edit-unchanged = Nothing was changed, so no new version was published. Change something, or press Cancel.
campaigns-edit-not-ours = Only the organization that leads a campaign can edit it. Partners can post updates to it instead.
campaigns-done-edited = The new version was published. Other members' nodes show it in place of the old one as they sync.
campaigns-edited-when = edited { $when }
campaigns-history-link = { $count ->
    [one] history
   *[other] history of { $count } versions
}
