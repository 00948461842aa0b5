# الصفحة الرئيسية: الجديد منذ الزيارة الأخيرة.
home-title = ما الجديد
home-since = منذ زيارتك الأخيرة ({ $since }).
home-since-first = { $count ->
    [one] زيارتك الأولى: هذا ما شاركته الشبكة خلال اليوم الأخير.
    [two] زيارتك الأولى: هذا ما شاركته الشبكة خلال اليومين الأخيرين.
    [few] زيارتك الأولى: هذا ما شاركته الشبكة خلال الأيام الـ{ $count } الأخيرة.
   *[other] زيارتك الأولى: هذا ما شاركته الشبكة خلال الـ{ $count } يومًا الأخيرة.
}
home-counts-label = الجديد بالأرقام
home-count-alerts = { $count ->
    [one] تنبيه مفتوح
    [two] تنبيهان مفتوحان
    [few] تنبيهات مفتوحة
   *[other] تنبيهًا مفتوحًا
}
home-count-cases = { $count ->
    [one] دراسة حالة جديدة
    [two] دراستا حالة جديدتان
    [few] دراسات حالة جديدة
   *[other] دراسة حالة جديدة
}
home-count-updates = { $count ->
    [one] مستجد حملة
    [two] مستجدان في الحملات
    [few] مستجدات في الحملات
   *[other] مستجدًا في الحملات
}
home-count-votes = { $count ->
    [one] تصويت ينتظرنا
    [two] تصويتان ينتظراننا
    [few] تصويتات تنتظرنا
   *[other] تصويتًا ينتظرنا
}
home-alerts = تنبيهات التضامن المفتوحة
home-alerts-none = لا يوجد تنبيه مفتوح. عندما يطلق عضو تنبيهًا، يظهر هنا أولًا.
home-alerts-all = كل التنبيهات
home-ours = تنبيهاتنا الأخيرة
home-ours-none = لم تطلق منظمتنا أي تنبيه بعد.
home-votes = تصويتات تنتظر منظمتنا
home-votes-none = لا شيء ينتظر تصويتنا.
home-votes-all = الأعضاء والتصويت
home-cases = دراسات حالة جديدة
home-cases-none = لا دراسات حالة جديدة منذ زيارتك الأخيرة.
home-cases-all = مكتبة دراسات الحالة
home-cases-write = اكتب دراسة حالة
home-updates = مستجدات الحملات
home-updates-none = لا مستجدات في الحملات منذ زيارتك الأخيرة.
home-updates-all = كل الحملات
home-campaign-unknown = حملة لم تصل إلى هذه العقدة بعد
home-vote-admit = { $org } تطلب الانضمام
home-vote-remove = مقترح: إقصاء { $org }
