# دراسات الحالة: المكتبة، ودراسة حالة واحدة، وكتابة دراسة، وسحبها.
cases-title = دراسات الحالة
cases-lead = ما قامت به المنظمات الأعضاء، وفي أي سياق، وما يمكن للآخرين الاستفادة منه. الأحدث أولًا.
cases-write = اكتب دراسة حالة
cases-write-first = اكتب أول دراسة حالة
cases-breadcrumb-label = أنت هنا
cases-back = العودة إلى دراسات الحالة

## البحث والتصفية في المكتبة
cases-filters-label = البحث في دراسات الحالة وتصفيتها
cases-search-label = البحث
cases-search-hint = يجب أن تظهر كل الكلمات؛ ويكفي أول الكلمة (سكن تجد سكنية). وفي الإنجليزية والإسبانية والفرنسية والبرتغالية تكفي صيغة أخرى من الكلمة.
cases-search-button = ابحث
cases-search-no-words = اكتب كلمة واحدة على الأقل من حروف أو أرقام.
cases-search-too-long = هذا البحث طويل جدًا. ابحث بكلمات أقل (16 كلمة على الأكثر).
cases-filter-theme = الموضوع
cases-filter-any-theme = كل المواضيع
cases-filter-region = المنطقة
cases-filter-any-region = كل المناطق
cases-filter-language = اللغة
cases-filter-any-language = كل اللغات
cases-filter-org = المنظمة
cases-filter-any-org = كل المنظمات
cases-filter-org-unknown = لا تعرف هذه العقدة المنظمة المحددة في هذا المرشِّح. اختر منظمة من القائمة.
cases-filter-since = منشورة منذ
cases-filter-since-bad = هذا ليس تاريخًا. اختر تاريخًا من التقويم، أو اترك الحقل فارغًا.
cases-filters-clear = إلغاء كل المرشِّحات
cases-fix-filters = صحّح البحث أعلاه لتظهر دراسات الحالة.
cases-results = النتائج
cases-count = { $count ->
    [one] دراسة حالة واحدة، الأحدث أولًا.
    [two] دراستا حالة، الأحدث أولًا.
    [few] { $count } دراسات حالة، الأحدث أولًا.
    [many] { $count } دراسة حالة، الأحدث أولًا.
   *[other] { $count } دراسة حالة، الأحدث أولًا.
}
cases-count-matching = { $count ->
    [one] دراسة حالة واحدة مطابقة.
    [two] دراستا حالة مطابقتان.
    [few] { $count } دراسات حالة مطابقة.
    [many] { $count } دراسة حالة مطابقة.
   *[other] { $count } دراسة حالة مطابقة.
}
cases-count-more = الدراسات الأقدم في الصفحة التالية.
cases-none-match = لا توجد على هذه العقدة دراسة حالة مطابقة.
cases-none-match-hint = جرّب كلمات أقل أو أقصر، أو موضوعًا أو منطقة أخرى، أو تاريخًا أقدم.
cases-none-older = لا توجد دراسات حالة أقدم.
cases-none-yet = لم تصل أي دراسة حالة إلى هذه العقدة بعد. ستظهر هنا الدراسات التي ينشرها الأعضاء مع مزامنة عقدتك.
cases-stopped-early = { $count ->
    [one] توقفت هذه الصفحة بعد فحص دراسة حالة واحدة.
    [two] توقفت هذه الصفحة بعد فحص دراستَي حالة دون أن تمتلئ. قد تكون هناك دراسات أقدم مطابقة: انتقل إلى الصفحة التالية.
    [few] توقفت هذه الصفحة بعد فحص { $count } دراسات حالة دون أن تمتلئ. قد تكون هناك دراسات أقدم مطابقة: انتقل إلى الصفحة التالية.
    [many] توقفت هذه الصفحة بعد فحص { $count } دراسة حالة دون أن تمتلئ. قد تكون هناك دراسات أقدم مطابقة: انتقل إلى الصفحة التالية.
   *[other] توقفت هذه الصفحة بعد فحص { $count } دراسة حالة دون أن تمتلئ. قد تكون هناك دراسات أقدم مطابقة: انتقل إلى الصفحة التالية.
}
cases-pager-label = الصفحات
cases-pager-newest = → العودة إلى الأحدث
cases-pager-older = دراسات حالة أقدم ←
cases-members-only = للأعضاء فقط

## دراسة حالة واحدة
cases-by = من إعداد
cases-about = عن دراسة الحالة هذه
cases-org = المنظمة
cases-ours = منظمتنا
cases-org-not-member = لم تعد عضوًا
cases-published = تاريخ النشر
cases-visibility = من يستطيع قراءتها
cases-visibility-members = المنظمات الأعضاء فقط
cases-visibility-public = عامة: المنظمات الأعضاء، وكل من تسمح له الشبكة بالقراءة
cases-themes = المواضيع
cases-regions = المناطق
cases-language = اللغة
cases-licence = الترخيص
cases-not-given = غير محدد
cases-links = مواد إضافية
cases-links-hidden = { $count ->
    [one] لا يظهر رابط واحد لأنه ليس عنوان ويب.
    [two] لا يظهر رابطان لأنهما ليسا عنوانَي ويب.
    [few] لا تظهر { $count } روابط لأنها ليست عناوين ويب.
    [many] لا يظهر { $count } رابطًا لأنها ليست عناوين ويب.
   *[other] لا يظهر { $count } رابط لأنها ليست عناوين ويب.
}
cases-provenance = من وقّعها
cases-signed-by = الجهاز الموقِّع
cases-device-revoked = ألغت منظمته هذا الجهاز لاحقًا
cases-signature = التوقيع
cases-signature-ok-badge = صالح
cases-signature-ok = أُعيد التحقق منه في { $when }.
cases-signature-bad-badge = لا يمكن التحقق منه
cases-signature-bad = لم يعد توقيع دراسة الحالة هذه صالحًا: نسخة هذه العقدة تالفة أو جرى تغييرها. لا تعتمد عليها، واطلب من المسؤول عن العقدة استعادتها من نسخة احتياطية.
cases-record-id = السجل
cases-ours-title = دراسة حالة من منظمتنا
cases-ours-hint = إذا كانت تعرّض أحدًا للخطر أو كانت خاطئة، فيمكنك سحبها: عندها تحذف كل عقدة محتواها.
cases-retract-action = سحب…
cases-done-published = نُشرت دراسة الحالة. تتلقاها عقد الأعضاء الآخرين عند مزامنتها.
cases-done-retracted = سُحبت دراسة الحالة. تحذف كل عقدة محتواها حين يصلها السحب.

## دراسة حالة مسحوبة
cases-retracted-title = سُحبت دراسة الحالة هذه
cases-retracted-by = سحبتها منظمتها،
cases-retracted-by-unknown = سحبتها منظمتها.
cases-retracted-reason = السبب الذي قدمته
cases-retracted-no-reason = لم تقدم سببًا، أو لم يصل سحبها إلى هذه العقدة بعد.
cases-retracted-explain = لم يعد محتواها محفوظًا على هذه العقدة ولا على أي عقدة أخرى؛ لم يبقَ إلا إثبات موقَّع بأنها وُجدت ثم سُحبت.
cases-retracted-published = نُشرت أول مرة في { $date }.

## كتابة دراسة حالة
cases-new-title = اكتب دراسة حالة
cases-new-lead = أخبر الأعضاء الآخرين بما قامت به منظمتك، وفي أي سياق، وفي مواجهة أي مشكلة، وما الذي حدث، وما الذي يمكنهم الاستفادة منه. لن يُنشر شيء حتى تضغط «انشر».
cases-form-has-errors = لم يُنشر شيء بعد. صحّح الحقول المشار إليها أدناه؛ كل ما كتبته محفوظ.
cases-field-title = العنوان
cases-field-summary = الملخص (اختياري)
cases-field-summary-hint = جملتان أو ثلاث تعرضها المكتبة تحت العنوان.
cases-field-body = دراسة الحالة
cases-field-body-hint = السطر الفارغ يبدأ فقرة جديدة. ابدأ السطر بـ ## لعنوان فرعي، أو بـ - لعنصر في قائمة. ضع **نجمتين** حول الكلمات لتظهر بخط عريض، و*نجمة واحدة* لتظهر بخط مائل. اكتب [الكلمات](https://…) لربط الكلمات بعنوان ويب. لا تُعرض الصور.
cases-field-tags-used = المستخدمة في الشبكة:
cases-field-themes = المواضيع
cases-field-themes-other = مواضيع أخرى
cases-field-themes-hint = افصل بينها بفاصلة لاتينية (,)، مثلًا: السكن, حقوق الأرض.
cases-field-regions = المناطق
cases-field-regions-other = مناطق أخرى
cases-field-regions-hint = افصل بينها بفاصلة لاتينية (,)، مثلًا: شرق أفريقيا, كينيا.
cases-field-language = لغة الكتابة
cases-field-licence = الترخيص
cases-field-licence-hint = يسمح ترخيص CC-BY-4.0 للآخرين بإعادة استخدامها بشرط نسبتها إلى منظمتك.
cases-field-links = روابط (اختياري)
cases-field-links-hint = عنوان ويب واحد في كل سطر، يبدأ بـ https://
cases-field-visibility = من يستطيع قراءتها
cases-visibility-members-choice = للأعضاء فقط
cases-visibility-members-explain = لا يقرؤها إلا المنظمات الأعضاء في الشبكة، ولا تدخل الأرشيفات العامة.
cases-visibility-public-choice = عامة
cases-visibility-public-explain = المنظمات الأعضاء، وكل من تسمح له الشبكة بالقراءة: قد تُنسخ إلى أرشيفات عامة يستخدمها الباحثون.
cases-preview-button = معاينة
cases-publish-button = انشر
cases-cancel = إلغاء
cases-publish-hint = النشر يوقّع دراسة الحالة باسم منظمتك ويرسلها إلى كل الأعضاء. يمكنك سحبها لاحقًا، لكن لا يمكن استرجاع النسخ التي قُرئت من قبل.
cases-preview-note = معاينة: هكذا سيراها الأعضاء. لم تُنشر بعد.
cases-preview-untitled = (بلا عنوان بعد)
cases-preview-edit = عدّلها أدناه
cases-error-title-empty = أعطِ دراسة الحالة عنوانًا.
cases-error-title-long = { $count ->
    [one] العنوان طويل جدًا: حرف واحد على الأكثر.
    [two] العنوان طويل جدًا: حرفان على الأكثر.
    [few] العنوان طويل جدًا: { $count } أحرف على الأكثر.
    [many] العنوان طويل جدًا: { $count } حرفًا على الأكثر.
   *[other] العنوان طويل جدًا: { $count } حرف على الأكثر.
}
cases-error-summary-long = { $count ->
    [one] الملخص طويل جدًا: حرف واحد على الأكثر.
    [two] الملخص طويل جدًا: حرفان على الأكثر. انقل الباقي إلى نص دراسة الحالة نفسه.
    [few] الملخص طويل جدًا: { $count } أحرف على الأكثر. انقل الباقي إلى نص دراسة الحالة نفسه.
    [many] الملخص طويل جدًا: { $count } حرفًا على الأكثر. انقل الباقي إلى نص دراسة الحالة نفسه.
   *[other] الملخص طويل جدًا: { $count } حرف على الأكثر. انقل الباقي إلى نص دراسة الحالة نفسه.
}
cases-error-body-empty = اكتب نص دراسة الحالة نفسه.
cases-error-too-big = حجم دراسة الحالة { $size } كيلوبايت، والسجل الواحد لا يتسع لأكثر من { $max } كيلوبايت. اختصرها، أو انشر التقرير الكامل على الإنترنت وأضف رابطه.
cases-error-too-many-tags = أدخلت { $count }، والحد الأقصى { $max }. احتفظ بأهمها.
cases-error-tag-too-long = «{ $tag }» طويل جدًا ليكون موضوعًا أو منطقة. استخدم اسمًا أقصر.
cases-error-language = اختر اللغة التي كُتبت بها دراسة الحالة.
cases-error-licence = اسم الترخيص طويل جدًا: اكتب اسمه المختصر، مثل CC-BY-4.0.
cases-error-links-many = { $count ->
    [one] لا يتسع إلا لرابط واحد.
    [two] لا يتسع إلا لرابطين.
    [few] لا يتسع لأكثر من { $count } روابط.
    [many] لا يتسع لأكثر من { $count } رابطًا.
   *[other] لا يتسع لأكثر من { $count } رابط.
}
cases-error-link = «{ $link }» ليس عنوان ويب. يجب أن يبدأ كل سطر بـ https:// أو http://

## سحب دراسة حالة من دراساتنا
cases-retract-title = سحب دراسة الحالة هذه
cases-retract-what = سحبها يعني:
cases-retract-drop = تحذف كل عقدة في الشبكة محتواها، ومنها هذه العقدة، حين يصلها السحب. لن يستطيع أحد قراءتها في Commons بعد ذلك.
cases-retract-permanent = يُوقَّع السحب باسم منظمتك وهو نهائي: لا يمكن التراجع عنه، ويرى الأعضاء أنك سحبتها ويرون السبب.
cases-retract-copies = لا يمكن استرجاع النسخ التي سبق أن حفظها الناس أو طبعوها خارج Commons.
cases-retract-reason = السبب، ويظهر لكل الأعضاء
cases-retract-reason-hint = تكفي كلمات قليلة، مثلًا: الأشخاص المذكورون فيها معرّضون للخطر.
cases-retract-reason-empty = اذكر السبب في كلمات قليلة: يراه الأعضاء مكان دراسة الحالة.
cases-retract-reason-long = { $count ->
    [one] السبب طويل جدًا: حرف واحد على الأكثر.
    [two] السبب طويل جدًا: حرفان على الأكثر.
    [few] السبب طويل جدًا: { $count } أحرف على الأكثر.
    [many] السبب طويل جدًا: { $count } حرفًا على الأكثر.
   *[other] السبب طويل جدًا: { $count } حرف على الأكثر.
}
cases-retract-confirm = اسحبها نهائيًا
cases-retract-cancel = أبقِها منشورة
cases-retract-not-ours = لا يستطيع سحب دراسة الحالة إلا المنظمة التي نشرتها. إذا رأيت أن هذه الدراسة يجب أن تُسحب، فاطلب ذلك منها عبر صفحتها في «الأعضاء».

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
cases-visibility-group-choice = مجموعة العمل: { $group }
cases-visibility-group-explain = لا تقرؤها إلا أجهزة المنظمات الأعضاء في المجموعة: تُشفَّر لها، وتحتفظ بها العقد الأخرى وتمرّرها دون أن تقرأها. تظهر في صفحة المجموعة، لا في المكتبة.
cases-group-no-files = لا يمكن بعدُ إرسال ملفات إلى مجموعة عمل: ستنتقل بياناتها دون تشفير. احذفها أو اختر جمهورًا آخر.
