# صفحات التنبيهات: تنبيهات نظام التضامن المفتوحة والمنتهية، والتنبيه مع
# الردود عليه، والرد عليه، وإطلاق تنبيه.
alerts-title = تنبيهات التضامن
alerts-lead = عندما يتعرض عضو أو مجتمعه لتهديد، يُطلق تنبيه ويردّ عليه الأعضاء. تأتي التنبيهات المفتوحة أولًا، والأكثر إلحاحًا في الأعلى.
alerts-raise = أطلق تنبيهًا
alerts-open-heading = { $count ->
    [0] التنبيهات المفتوحة
    [one] التنبيهات المفتوحة (1)
   *[other] التنبيهات المفتوحة ({ $count })
}
alerts-open-none = لا يوجد تنبيه مفتوح حاليًا.
alerts-expired-heading = { $count ->
    [0] التنبيهات المنتهية
    [one] التنبيهات المنتهية (1)
   *[other] التنبيهات المنتهية ({ $count })
}
alerts-expired-none = لم ينتهِ أي تنبيه بعد.
alerts-expired-show = { $count ->
    [one] اعرض التنبيه المنتهي
    [two] اعرض التنبيهين المنتهيين
    [few] اعرض التنبيهات المنتهية ({ $count })
    [many] اعرض التنبيهات المنتهية ({ $count })
   *[other] اعرض التنبيهات المنتهية ({ $count })
}
alerts-expired-cut = تُعرض آخر التنبيهات المنتهية فقط، وعددها { $count }.
alerts-list-cut = لا تُعرض إلا أحدث التنبيهات على هذه العقدة.
alerts-raised-by = أطلقته
alerts-us = نحن
alerts-we-responded = رددنا
alerts-responded-count = { $total ->
    [0] لا توجد منظمة عضو أخرى لترد
   *[other] ردود المنظمات الأعضاء: { $count } من { $total }
}
alerts-expires-in-minutes = { $count ->
    [one] ينتهي بعد دقيقة
    [two] ينتهي بعد دقيقتين
    [few] ينتهي بعد { $count } دقائق
    [many] ينتهي بعد { $count } دقيقة
   *[other] ينتهي بعد { $count } دقيقة
}
alerts-expires-in-hours = { $count ->
    [one] ينتهي بعد ساعة
    [two] ينتهي بعد ساعتين
    [few] ينتهي بعد { $count } ساعات
    [many] ينتهي بعد { $count } ساعة
   *[other] ينتهي بعد { $count } ساعة
}
alerts-expires-in-days = { $count ->
    [one] ينتهي بعد يوم
    [two] ينتهي بعد يومين
    [few] ينتهي بعد { $count } أيام
    [many] ينتهي بعد { $count } يومًا
   *[other] ينتهي بعد { $count } يوم
}
alerts-expired-ago = انتهى { $when }

alerts-breadcrumb-label = أنت هنا
alerts-new-title = أطلق تنبيهًا
alerts-new-lead = يصل التنبيه إلى كل المنظمات الأعضاء في الوقت نفسه. اذكر ما حدث، وأين، وما الذي تطلبه من الأعضاء.
alerts-new-not-raised = لم يُطلق التنبيه:
alerts-field-severity = ما مدى إلحاحه؟
alerts-severity-critical-hint = شخص ما في خطر مباشر.
alerts-severity-urgent-hint = على الأعضاء التحرك خلال أيام.
alerts-severity-watch-hint = وضع يجب متابعته؛ لا يلزم أي تحرك بعد.
alerts-field-title = العنوان
alerts-field-region = المنطقة
alerts-field-region-hint = البلد أو الإقليم أو المدينة المعنية.
alerts-field-body = ما الذي حدث
alerts-field-body-hint = الوقائع كما تعرفها. لا تذكر أي شيء قد يعرّض الأشخاص المعنيين للخطر. يمكنك استخدام Markdown.
alerts-field-action = الإجراء المطلوب
alerts-field-action-hint = ما الذي يجب أن يفعله الأعضاء: بيان، أو رسائل، أو اتصالات بالسلطات، أو زيارة. يمكنك استخدام Markdown.
alerts-field-hours = مدة بقائه مفتوحًا بالساعات
alerts-field-hours-hint = بعد هذه المدة يظهر التنبيه في قائمة التنبيهات المنتهية. 168 ساعة تساوي أسبوعًا.
alerts-new-visibility = لا يرى التنبيهات والردود عليها إلا المنظمات الأعضاء في الشبكة.
alerts-new-submit = أطلق التنبيه
alerts-cancel = إلغاء
alerts-error-severity = اختر مدى إلحاح التنبيه.
alerts-error-region = اذكر المنطقة التي يتعلق بها التنبيه.
alerts-error-title = أعطِ التنبيه عنوانًا.
alerts-error-too-long = يجب ألا يتجاوز عدد أحرف العنوان وعدد أحرف المنطقة { $max } لكل منهما.
alerts-error-body = اذكر ما الذي حدث.
alerts-error-hours = أدخل عدد ساعات من 1 إلى { $max }.
alerts-done-raised = أُطلق التنبيه وأُرسل إلى الشبكة.

alerts-expired-badge = منتهٍ
alerts-what-happened = ما الذي حدث
alerts-action-requested = الإجراء المطلوب
alerts-action-none = لم يُطلب إجراء محدد.
alerts-respond-title = ردّنا
alerts-our-response = ردّت منظمتنا:
alerts-respond-legend = كيف ترد منظمتنا؟
alerts-respond-again = غيّر ردّنا
alerts-response-seen = تم الاطلاع
alerts-response-acting = قيد التحرك
alerts-response-shared = تمت المشاركة
alerts-response-seen-hint = قرأنا التنبيه
alerts-response-acting-hint = نقوم بالإجراء المطلوب
alerts-response-shared-hint = نقلناه إلى جهات الاتصال الخاصة بنا
alerts-field-note = ملاحظة (اختياري)
alerts-field-note-hint = مثلًا: الرسالة التي أرسلتها، أو الجهات التي اتصلت بها.
alerts-respond-submit = أرسل ردّنا
alerts-respond-closed = انتهى هذا التنبيه، لذلك لم يعد يقبل الردود.
alerts-respond-raiser = منظمتنا هي التي أطلقت هذا التنبيه، لذلك لا ترد عليه: تظهر ردود المنظمات الأعضاء الأخرى أدناه، تحت «من ردّ».
alerts-error-response = اختر ردًّا: تم الاطلاع، أو قيد التحرك، أو تمت المشاركة.
alerts-error-note-long = يجب ألا يتجاوز عدد أحرف الملاحظة { $max }.
alerts-done-responded = أُرسل ردّنا إلى الشبكة.
alerts-responses-title = من ردّ
alerts-not-yet-title = { $count ->
    [0] لم ترد بعد
    [one] لم ترد بعد (1)
   *[other] لم ترد بعد ({ $count })
}
alerts-not-yet-none = ردّت كل المنظمات الأعضاء.
alerts-raiser-not-counted = لا تُحسب المنظمة التي أطلقت التنبيه.
alerts-responses-cut = جرى البحث في أحدث الردود على هذه العقدة فقط؛ قد لا تظهر بعض الردود الأقدم.
alerts-facts = عن هذا التنبيه
alerts-fact-severity = درجة الإلحاح
alerts-fact-region = المنطقة
alerts-fact-raised-by = أطلقته
alerts-fact-raised = تاريخ الإطلاق
alerts-fact-expires = ينتهي في
alerts-fact-expired = انتهى في
alerts-retracted = سحبت المنظمة التي أطلقت هذا التنبيه تنبيهها، لذلك لم يعد محتواه محفوظًا على هذه العقدة.
alerts-redacted = صوّت عدد كافٍ من المنظمات الأعضاء بأن هذا التنبيه يعرّض أحدًا للخطر، لذلك لم يعد محتواه محفوظًا على هذه العقدة ولا على غيرها.
alerts-gone-responses = ردود عليه ما زالت محفوظة هنا
alerts-gone-responses-explain = كل رد ملك للمنظمة التي أرسلته، لذلك لم يُحذف مع التنبيه. إذا كان أحدها يعرّض أحدًا للخطر أيضًا، فاطلبوا من الأعضاء حذفه.
