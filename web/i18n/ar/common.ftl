# مشترك بين كل الصفحات: التنقل والتنبيهات والأخطاء والتواريخ والأوقات.
nav-skip = انتقل إلى المحتوى
nav-label = الرئيسية
nav-home = الرئيسية
nav-cases = دراسات الحالة
nav-campaigns = الحملات
nav-alerts = التنبيهات
nav-members = الأعضاء
nav-groups = مجموعات العمل
nav-node = هذه العقدة
nav-language = اللغة
nav-language-apply = تغيير
nav-acting-for = باسم
nav-logout = تسجيل الخروج

live-new-one = وصل سجل جديد.
live-new-many = وصلت سجلات جديدة: { $count }.
live-new-alert = وصل تنبيه تضامن جديد.
live-new-answer = ردّت منظمة أخرى على تنبيهنا.
live-refresh = اعرضه
notify-button = نبّهني إلى التنبيهات الجديدة
notify-on = سيعرض هذا المتصفح إشعارًا عند وصول تنبيه تضامن جديد أو عندما تردّ منظمة أخرى على أحد تنبيهاتنا، ما دام Commons مفتوحًا فيه.
notify-blocked = يحظر هذا المتصفح إشعارات Commons. لتلقيها، اسمح بالإشعارات لهذا العنوان في إعدادات الموقع في المتصفح.

footer-text = يعمل Commons على العقدة الخاصة بمنظمتك. كل ما تراه هنا جرى التحقق منه بتوقيع صاحبه.

error-back-home = العودة إلى الصفحة الرئيسية
error-store = تعذّر على هذه العقدة قراءة سجلاتها. إذا تكرر ذلك، اطلب من المسؤول عن العقدة مراجعة سجل تشغيلها.
error-not-found = لا يوجد شيء في هذا العنوان. ربما سُحب، أو لم يصل إلى هذه العقدة بعد.
error-not-found-title = غير موجود
form-too-large = هذا النموذج أكبر من أن يُرسل. اختصر النص وحاول مرة أخرى.
form-unreadable = تعذّرت قراءة هذا النموذج. أعد تحميل الصفحة وحاول مرة أخرى.
form-expired = انتهت صلاحية هذا النموذج. أعد تحميل الصفحة وأرسله مرة أخرى.

welcome-title = Commons
welcome-intro = هذه عقدة Commons الخاصة بمنظمتك. لا يدخلها إلا من يستطيع الوصول إلى هذا الحاسوب.
welcome-how = لفتح التطبيق، شغّل هذا الأمر على الحاسوب الذي تعمل عليه العقدة، ثم اتبع الرابط الذي يطبعه:
welcome-why = يصلح كل رابط مرة واحدة ولمدة خمس دقائق. إن لم تستطع تشغيل الأوامر على هذا الحاسوب، فاطلب ذلك من المسؤول عن عقدة منظمتك.
welcome-link-used = استُخدم هذا الرابط من قبل أو انتهت صلاحيته. شغّل commons open مرة أخرى للحصول على رابط جديد.
login-done-title = لقد دخلت
login-done-continue = المتابعة إلى Commons

publish-invalid = رفضت العقدة هذا: { $detail }. صحّحه وأرسله مرة أخرى.
publish-held = لا تستطيع هذه العقدة النشر بعد: { $detail }
publish-shutdown = العقدة تتوقف، لذلك لم يُنشر شيء. حاول مرة أخرى عندما تعمل.
publish-failed = لم يُنشر شيء: { $detail }. حاول مرة أخرى؛ وإن فشل ثانية فاطلب مراجعة سجل تشغيل العقدة.

severity-critical = حرج
severity-urgent = عاجل
severity-watch = متابعة

tally-admit = { $count } من { $needed } تأييدات للقبول
tally-remove = { $count } من { $needed } أصوات للإقصاء

month-1 = يناير
month-2 = فبراير
month-3 = مارس
month-4 = أبريل
month-5 = مايو
month-6 = يونيو
month-7 = يوليو
month-8 = أغسطس
month-9 = سبتمبر
month-10 = أكتوبر
month-11 = نوفمبر
month-12 = ديسمبر
date-format = { $day } { $month } { $year }
datetime-format = { $date }، { $time } بالتوقيت العالمي
time-just-now = الآن
time-minutes-ago = { $count ->
    [one] قبل دقيقة
    [two] قبل دقيقتين
    [few] قبل { $count } دقائق
   *[other] قبل { $count } دقيقة
}
time-hours-ago = { $count ->
    [one] قبل ساعة
    [two] قبل ساعتين
    [few] قبل { $count } ساعات
   *[other] قبل { $count } ساعة
}
time-days-ago = { $count ->
    [one] أمس
    [two] قبل يومين
    [few] قبل { $count } أيام
   *[other] قبل { $count } يومًا
}
