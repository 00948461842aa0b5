# Working groups: member organizations that decide among themselves who belongs, and
# whose records only their devices can read.
groups-title = Working groups
groups-intro = A working group's records are sealed to the devices of its member organizations: other members' nodes store and pass them on without being able to read them.
groups-none = This node knows no working group yet. An operator founds one with `commons groups create`.
groups-member-count = { $count ->
    [one] 1 member organization
   *[other] { $count } member organizations
}
groups-ours = Your organization is a member
groups-members = Member organizations
groups-member-since = since { $date }
groups-records = Records of the group
groups-records-none = Nothing has been published to this group yet.
groups-byline = { $org }, { $date }
groups-byline-outside = { $org } (not a member of the group now), { $date }
groups-unknown-org = an organization this node does not know
groups-sealed = Sealed
groups-sealed-not-ours = Not readable here: it was sealed before your organization joined the group, after it left, or before this device could receive the group's key.
groups-sealed-waiting = Not readable yet: its key has not reached this node. It usually arrives within a minute.
groups-sealed-broken = Not readable: it does not open with the group's key. It may have been altered.
groups-write = Write to the group
groups-write-hint = Only this group's member organizations can read what you publish here. Everything else about it is visible to every member: that your organization published, when, and how long it is.
groups-not-ours = Your organization is not a member of this group, so it cannot publish here or read what is published from now on. Ask one of its members to invite it.
groups-field-title = Title
groups-field-summary = Summary
groups-field-body = Text
groups-publish = Publish to the group
groups-published = Published to the group.
groups-not-found = This node knows no such working group. It may not have reached this node yet.
groups-form-missing = Give the record a title and a text.
groups-form-too-long = The text is too long for one record: split it into parts.
groups-form-not-member = Your organization is no longer a member of this group.
groups-publish-failed = It was not published: { $detail }
