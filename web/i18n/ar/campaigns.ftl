# صفحات الحملات: القائمة، وصفحة الحملة مع مستجداتها، وبدء حملة.
campaigns-title = الحملات
campaigns-lead = يدير كل حملة تحالفٌ من الأعضاء: منظمة قائدة وشركاؤها، ولها أهداف وسلسلة من المستجدات.
campaigns-start = ابدأ حملة
campaigns-tabs-label = أي الحملات
campaigns-tab-ours = { $count ->
    [one] حملاتنا (1)
   *[other] حملاتنا ({ $count })
}
campaigns-tab-partner = نشارك فيها ({ $count })
campaigns-tab-all = الكل ({ $count })
campaigns-empty-ours = لا تقود منظمتنا أي حملة بعد.
campaigns-empty-partner = لا توجد بعد حملة تذكر منظمتنا شريكًا فيها.
campaigns-empty-all = لم تصل أي حملة إلى هذه العقدة بعد.
campaigns-see-all = عرض كل الحملات
campaigns-led-by = بقيادة
campaigns-with = بمشاركة
campaigns-goal-count = { $count ->
    [0] لا أهداف مذكورة
    [one] هدف واحد
    [two] هدفان
    [few] { $count } أهداف
    [many] { $count } هدفًا
   *[other] { $count } هدف
}
campaigns-started-on = بدأت في { $date }
campaigns-latest-update = آخر مستجد في { $date }
campaigns-no-update-yet = لا مستجدات بعد
campaigns-list-cut = تُعرض أحدث الحملات على هذه العقدة فقط، وعددها { $count }.

campaigns-status-planning = قيد التخطيط
campaigns-status-active = جارية
campaigns-status-paused = متوقفة مؤقتًا
campaigns-status-won = ناجحة
campaigns-status-closed = مُغلقة

campaigns-breadcrumb-label = أنت هنا
campaigns-new-title = ابدأ حملة
campaigns-new-lead = ستقودها منظمتنا. ويستطيع الشركاء أيضًا نشر مستجدات فيها.
campaigns-new-not-started = لم تبدأ الحملة:
campaigns-field-title = العنوان
campaigns-field-goals = الأهداف
campaigns-field-goals-hint = هدف واحد في كل سطر، مثل: «وقف عمليات الإخلاء حتى موعد الجلسة».
campaigns-field-partners = المنظمات الشريكة
campaigns-field-partners-hint = المنظمات الأعضاء التي تدير هذه الحملة معنا.
campaigns-field-partners-none = لا توجد منظمات أعضاء أخرى بعد.
campaigns-field-status = الحالة
campaigns-new-visibility = لا يرى الحملات إلا المنظمات الأعضاء في الشبكة.
campaigns-new-submit = ابدأ الحملة
campaigns-cancel = إلغاء
campaigns-error-title = أعطِ الحملة عنوانًا.
campaigns-error-title-long = العنوان طويل جدًا: اجعل عدد أحرفه { $max } على الأكثر.
campaigns-error-goals = الأهداف كثيرة جدًا: اذكر { $max } على الأكثر.
campaigns-done-started = بدأت الحملة وشوركت مع الشبكة.

campaigns-goals = الأهداف
campaigns-goals-none = لم تُذكر أهداف.
campaigns-updates = المستجدات
campaigns-updates-none = لا مستجدات بعد.
campaigns-updates-cut = جرى البحث في أحدث المستجدات على هذه العقدة فقط؛ قد لا تظهر بعض المستجدات الأقدم.
campaigns-us = نحن
campaigns-status-now = الحالة الجديدة:
campaigns-update-outsider = نشرته منظمة من خارج تحالف هذه الحملة.
campaigns-coalition = التحالف
campaigns-lead-org = المنظمة القائدة
campaigns-partners = الشركاء
campaigns-partners-none = لا أحد
campaigns-started = تاريخ البدء
campaigns-role-lead = نحن نقود هذه الحملة
campaigns-role-partner = نحن شريك فيها
campaigns-post-title = انشر مستجدًا
campaigns-field-update = ما الجديد
campaigns-field-update-hint = موعد جلسة، أو انتصار، أو انتكاسة، أو دعوة إلى التحرك. يمكنك استخدام Markdown.
campaigns-field-new-status = الحالة
campaigns-status-unchanged = دون تغيير (لا تزال { $status })
campaigns-post-submit = انشر المستجد
campaigns-post-coalition-only = لا ينشر المستجدات في هذه الحملة إلا المنظمة القائدة وشركاؤها.
campaigns-error-update-body = اكتب المستجد قبل نشره.
campaigns-error-not-coalition = لا يستطيع نشر المستجدات في هذه الحملة إلا المنظمة القائدة وشركاؤها.
campaigns-done-update = نُشر المستجد.
campaigns-retracted = سحبت منظمتها هذه الحملة، لذلك لم يعد محتواها محفوظًا على هذه العقدة.
campaigns-redacted = صوّت عدد كافٍ من المنظمات الأعضاء بأن هذه الحملة تعرّض أحدًا للخطر، لذلك لم يعد محتواها محفوظًا على هذه العقدة ولا على غيرها.
campaigns-gone-updates = تحديثات لها ما زالت محفوظة هنا
campaigns-gone-updates-explain = كل تحديث ملك للمنظمة التي نشرته، لذلك لم يُحذف مع الحملة. إذا كان أحدها يعرّض أحدًا للخطر أيضًا، فاطلبوا من الأعضاء حذفه.

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
