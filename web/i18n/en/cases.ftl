# Case studies: the library, one case study, writing one, retracting one.
cases-title = Case studies
cases-lead = What member organizations did, in which context, and what others can reuse. Newest first.
cases-write = Write a case study
cases-write-first = Write the first case study
cases-breadcrumb-label = You are here
cases-back = Back to the case studies

## The library's search and filters
cases-filters-label = Search and filter case studies
cases-search-label = Search
cases-search-hint = Every word must appear, or another form of it (evictions finds eviction); the start of a word is enough (evict finds eviction).
cases-search-button = Search
cases-search-no-words = Type at least one word of letters or digits.
cases-search-too-long = This search is too long. Search for fewer words (at most 16).
cases-filter-theme = Theme
cases-filter-any-theme = Any theme
cases-filter-region = Region
cases-filter-any-region = Any region
cases-filter-language = Language
cases-filter-any-language = Any language
cases-filter-org = Organization
cases-filter-any-org = Any organization
cases-filter-org-unknown = This organization filter is not one this node knows. Choose an organization from the list.
cases-filter-since = Published since
cases-filter-since-bad = This is not a date. Pick one with the calendar, or leave it empty.
cases-filters-clear = Clear all filters
cases-fix-filters = Correct the search above to see case studies.
cases-results = Results
cases-count = { $count ->
    [one] One case study, newest first.
   *[other] { $count } case studies, newest first.
}
cases-count-matching = { $count ->
    [one] One case study matches.
   *[other] { $count } case studies match.
}
cases-count-more = Older ones are on the next page.
cases-none-match = No case study on this node matches.
cases-none-match-hint = Try fewer or shorter words, another theme or region, or an earlier date.
cases-none-older = There are no older case studies.
cases-none-yet = No case study has reached this node yet. Those that members publish appear here as your node syncs.
cases-stopped-early = { $count ->
    [one] This page stopped after looking through one case study.
   *[other] This page stopped after looking through { $count } case studies without filling up. Older ones may still match: go on to the next page.
}
cases-pager-label = Pages
cases-pager-newest = ← Back to the newest
cases-pager-older = Older case studies →
cases-members-only = Members only

## One case study
cases-by = By
cases-about = About this case study
cases-org = Organization
cases-ours = Ours
cases-org-not-member = No longer a member
cases-published = Published
cases-visibility = Who can read it
cases-visibility-members = Member organizations only
cases-visibility-public = Public: member organizations, and anyone the network lets read
cases-themes = Themes
cases-regions = Regions
cases-language = Language
cases-licence = Licence
cases-not-given = Not given
cases-links = Further material
cases-links-hidden = { $count ->
    [one] One link is not shown because it is not a web address.
   *[other] { $count } links are not shown because they are not web addresses.
}
cases-provenance = Who signed it
cases-signed-by = Signing device
cases-device-revoked = Its organization later revoked this device
cases-signature = Signature
cases-signature-ok-badge = Valid
cases-signature-ok = checked again on { $when }.
cases-signature-bad-badge = Does not verify
cases-signature-bad = The signature of this case study no longer verifies: this node's copy is damaged or was altered. Do not rely on it, and ask your operator to restore the node from a backup.
cases-record-id = Record
cases-ours-title = Our organization's case study
cases-ours-hint = If it puts someone at risk or is wrong, you can retract it: every node then drops its content.
cases-retract-action = Retract…
cases-done-published = Your case study was published. Other members' nodes receive it as they sync.
cases-done-retracted = The case study was retracted. Every node drops its content as the retraction reaches it.

## A retracted case study
cases-retracted-title = This case study was retracted
cases-retracted-by = Retracted by its organization,
cases-retracted-by-unknown = Its organization retracted it.
cases-retracted-reason = Their reason
cases-retracted-no-reason = They gave no reason, or their retraction has not reached this node yet.
cases-retracted-explain = Its content is no longer kept on this node or on any other; only the signed fact that it existed, and was retracted, remains.
cases-retracted-published = It was first published on { $date }.

## Writing a case study
cases-new-title = Write a case study
cases-new-lead = Tell other members what your organization did, in which context, against what problem, what happened, and what they can reuse. Nothing is published until you press Publish.
cases-form-has-errors = Nothing was published yet. Correct the fields marked below; everything you wrote is kept.
cases-field-title = Title
cases-field-summary = Summary (optional)
cases-field-summary-hint = Two or three sentences that the library shows under the title.
cases-field-body = The case study
cases-field-body-hint = A blank line starts a new paragraph. Start a line with ## for a heading, or with - for a list item. Put **two stars** around words for bold, *one star* for italic. Write [words](https://…) to link words to a web address. Pictures are not shown.
cases-field-tags-used = Used across the network:
cases-field-themes = Themes
cases-field-themes-other = Other themes
cases-field-themes-hint = Separate them with commas, for example: housing, land rights.
cases-field-regions = Regions
cases-field-regions-other = Other regions
cases-field-regions-hint = Separate them with commas, for example: East Africa, Kenya.
cases-field-language = Written in
cases-field-licence = Licence
cases-field-licence-hint = CC-BY-4.0 lets others reuse it if they credit your organization.
cases-field-links = Links (optional)
cases-field-links-hint = One web address per line, starting with https://
cases-field-visibility = Who can read it
cases-visibility-members-choice = Members only
cases-visibility-members-explain = Only member organizations of the network can read it. It is left out of public archives.
cases-visibility-public-choice = Public
cases-visibility-public-explain = Member organizations, and anyone the network lets read: it may be copied into public archives that researchers use.
cases-preview-button = Preview
cases-publish-button = Publish
cases-cancel = Cancel
cases-publish-hint = Publishing signs the case study in your organization's name and sends it to every member. You can retract it later, but copies already read cannot be recalled.
cases-preview-note = Preview: this is how members will see it. It is not published yet.
cases-preview-untitled = (No title yet)
cases-preview-edit = Edit below
cases-error-title-empty = Give the case study a title.
cases-error-title-long = { $count ->
    [one] The title is too long: at most one character.
   *[other] The title is too long: at most { $count } characters.
}
cases-error-summary-long = { $count ->
    [one] The summary is too long: at most one character.
   *[other] The summary is too long: at most { $count } characters. Move the rest into the case study itself.
}
cases-error-body-empty = Write the case study itself.
cases-error-too-big = The case study is { $size } KB; at most { $max } KB fit in one record. Shorten it, or put the full report online and add its link.
cases-error-too-many-tags = { $count } given; at most { $max } fit. Keep the ones that matter most.
cases-error-tag-too-long = “{ $tag }” is too long for a theme or region. Use a shorter name.
cases-error-language = Choose the language the case study is written in.
cases-error-licence = The licence is too long: give its short name, such as CC-BY-4.0.
cases-error-links-many = { $count ->
    [one] At most one link fits.
   *[other] At most { $count } links fit.
}
cases-error-link = “{ $link }” is not a web address. Each line must start with https:// or http://

## Retracting one of ours
cases-retract-title = Retract this case study
cases-retract-what = Retracting it means:
cases-retract-drop = Every node of the network drops its content, this one included, as the retraction reaches it. Nobody can read it in Commons any more.
cases-retract-permanent = The retraction is signed in your organization's name and permanent: it cannot be undone, and members see that you retracted it, with your reason.
cases-retract-copies = Copies that people already saved or printed outside Commons cannot be recalled.
cases-retract-reason = Reason, shown to every member
cases-retract-reason-hint = A few words are enough, for example: the people named in it are at risk.
cases-retract-reason-empty = Give a reason, in a few words: members see it in place of the case study.
cases-retract-reason-long = { $count ->
    [one] The reason is too long: at most one character.
   *[other] The reason is too long: at most { $count } characters.
}
cases-retract-confirm = Retract permanently
cases-retract-cancel = Keep it published
cases-retract-not-ours = Only the organization that published a case study can retract it. Ask them, through their page in Members, if you think this one should be.

## Editing one of ours
cases-edit-action = Edit
cases-edit-hint = Editing publishes a new version: members see it in place of this one, and earlier versions stay in its history.
cases-edit-title = Edit the case study
cases-edit-back = This case study
cases-edit-lead = Correct what needs correcting. Nothing changes until you press “Publish the new version”: it is then signed in your organization's name, members' nodes show it in place of the current one, and every earlier version stays in the history.
cases-edit-publish-button = Publish the new version
cases-edit-publish-hint = The new version is signed in your organization's name and sent to every member. Earlier versions stay readable in the history: to take the case study back entirely, retract it instead.
cases-edit-unchanged = Nothing was changed, so no new version was published. Change something, or press Cancel.
cases-edit-not-ours = Only the organization that published a case study can edit it. If something in it is wrong, tell them through their page in Members.
cases-done-edited = The new version was published. Other members' nodes show it in place of the old one as they sync.
cases-edited-on = edited { $date }
cases-edited-when = edited { $when }
cases-last-edited = Last edited
cases-history-see = See every version
cases-history-link = { $count ->
    [one] history
   *[other] history of { $count } versions
}

## The history of a case study or a campaign
history-title = History
history-heading = History of “{ $title }”
history-breadcrumb-label = You are here
history-lead = { $count ->
    [one] One version, published once and never edited.
   *[other] { $count } versions, the newest first. Each says what changed from the one before it.
}
history-original = First version
history-version = Version { $count }
history-shown = Shown now
history-device = signed by
history-original-explain = Published as
history-no-change = Nothing that is shown changed in this version.
history-changed = What changed:
history-before = Before
history-after = After
history-empty = (empty)
history-added = Added
history-removed = Removed
history-line-added = Added line
history-line-removed = Removed line
history-diff-label = Changes to { $field }
history-lines-skipped = { $count ->
    [one] … one unchanged line …
   *[other] … { $count } unchanged lines …
}
history-diff-cut = This change is too long to show whole; the lines above are its start.
history-back = Back to the current version
history-field-title = Title
history-field-summary = Summary
history-field-body = Text
history-field-themes = Themes
history-field-regions = Regions
history-field-language = Language
history-field-licence = Licence
history-field-links = Links
history-field-visibility = Who can read it
history-field-attachments = Files
history-field-goals = Goals
history-field-partners = Partners
history-field-status = Status

## Files attached to a case study
cases-files-title = Files
cases-files-legend = Files (optional)
cases-files-choose = Attach files
cases-files-hint = Reports, photos, testimonies, spreadsheets: up to { $max } MB each, at most 32 files. They go to members with the case study, and only to members if the case study is for members only.
cases-files-upload = Upload the chosen files
cases-files-remove = Remove
cases-files-remove-hint = A file ticked “Remove” is left out when you preview, upload or publish.
cases-files-too-large = “{ $name }” is larger than { $max } MB, the largest file this node takes. It was not attached, and nothing was published: make it smaller, or put it online and add its link.
cases-files-empty = “{ $name }” is empty. It was not attached.
cases-files-disk-full = “{ $name }” was not attached: the disk of this node is too full. Ask your operator to free some space, then attach it again.
cases-files-failed = “{ $name }” could not be attached ({ $detail }). Try again; if it keeps failing, ask your operator.
cases-files-upload-cut = The upload stopped before it was complete. Nothing was published; attach the file again.
cases-files-too-many-at-once = { $count ->
    [one] Attach one file at a time.
   *[other] Attach at most { $count } files at a time; the others were not taken. Upload them next.
}
cases-files-too-many = { $count ->
    [one] A case study carries at most one file.
   *[other] A case study carries at most { $count } files. Remove some before publishing.
}
cases-files-bytes = { $count ->
    [one] 1 byte
   *[other] { $count } bytes
}
cases-files-kb = { $count } KB
cases-files-mb = { $whole }.{ $tenth } MB
cases-files-fetching = fetching { $count }%
cases-files-not-here = Not on this node yet: it is fetched from a member that has it.
cases-files-not-here-large = Not on this node yet: it is large, so it is fetched only when someone asks.
cases-files-fetch = Fetch
cases-files-unreadable = This file could not be read from this node's disk. Ask your operator to look at the node's log.
cases-files-no-network = This node is not connected to the network, so the file cannot be fetched now.
cases-files-fetch-failed = The file could not be asked for ({ $detail }). Try again in a moment.
cases-done-fetching = The file is being fetched from the members that have it. Reload this page to see how far it has got.
cases-edit-link = Edit this case study
cases-visibility-group-choice = Working group: { $group }
cases-visibility-group-explain = Only the devices of the group's member organizations can read it: it is encrypted to them, and other nodes keep and pass it on without reading it. It appears on the group's page, not in the library.
cases-group-no-files = Files cannot go to a working group yet: their bytes would travel unencrypted. Remove them, or choose another audience.
