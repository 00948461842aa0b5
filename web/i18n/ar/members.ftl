# صفحات الأعضاء: قائمة الأعضاء، وطلبات الانضمام والتصويت، وصفحة المنظمة، وملفنا التعريفي.
members-title = الأعضاء
members-roster = المنظمات الأعضاء
members-count = { $count ->
    [one] في الشبكة منظمة عضو واحدة.
    [two] في الشبكة منظمتان عضوان.
    [few] في الشبكة { $count } منظمات أعضاء.
    [many] في الشبكة { $count } منظمةً عضوًا.
   *[other] في الشبكة { $count } منظمة عضو.
}
members-thresholds = يتطلب قبول منظمة جديدة تأييد { $admit } من الأعضاء البالغ عددهم { $members }؛ ويتطلب إقصاء عضو أصوات { $remove } من الأعضاء الآخرين.
members-edit-ours = عدّل ملفنا التعريفي واطّلع على أجهزتنا
members-pages = صفحات قائمة الأعضاء
members-previous = الصفحة السابقة
members-next = الصفحة التالية
members-badge-us = منظمتك
members-badge-founder = مؤسِّسة
members-badge-endorsed = أيّدتها منظمتك
members-badge-your-vote = بانتظار تصويتك
members-badge-voted-remove = صوّتت منظمتك لإقصائها
members-working-groups = مجموعات العمل
members-languages = اللغات
members-devices-count = { $count ->
    [0] لا يُعرف هنا أي جهاز لها بعد
    [one] جهاز واحد قيد الاستخدام
    [two] جهازان قيد الاستخدام
    [few] { $count } أجهزة قيد الاستخدام
    [many] { $count } جهازًا قيد الاستخدام
   *[other] { $count } جهاز قيد الاستخدام
}

members-applications = طلبات الانضمام
members-applications-none = لا توجد منظمة تنتظر الانضمام.
members-applied-when = قدّمت طلبها { $when }
members-applied-on = قدّمت طلبها في { $date }
members-review-vote = اقرأ الطلب وصوّت
members-see-application = اطّلع على الطلب
members-removals = مقترحات إقصاء عضو
members-removal-voters = صوّتت للإقصاء: { $orgs }
members-endorsed-by = أيّدتها: { $orgs }

members-not-member-heading = منظمتك ليست عضوًا بعد
members-not-member-intro = تعود هذه العقدة إلى { $org }، وهي ليست عضوًا في هذه الشبكة بعد. وإلى أن يقبلها الأعضاء، تستطيع هذه العقدة مشاركة ملفها التعريفي وطلب انضمامها، لكنها لا تتلقى ما يشاركه الأعضاء.
members-not-member-how = للانضمام، أرسل طلبًا: اذكر من هي منظمتك ولماذا تطلب الانضمام. تقرأ المنظمات الأعضاء الطلب وتصوّت عليه؛ وحين يؤيده عدد كافٍ منها، تصبح منظمتك عضوًا.
members-apply-button = اطلب الانضمام
members-apply-again = أرسل طلبًا جديدًا
members-check-profile = راجع ملفنا التعريفي أولًا
members-see-profile = اعرض ملفنا التعريفي
members-own-applied = قدّمت منظمتك طلبها في { $date }:
members-own-lag = لا تصل أصوات الأعضاء إلى هذه العقدة إلا بعد قبول منظمتك، لذلك قد يكون العدد المعروض هنا متأخرًا عن الواقع.
members-applied-notice = نُشر طلبك. ستراه المنظمات الأعضاء في المرة القادمة التي تتصل فيها عقدها بهذه العقدة.

members-state-member = عضو
members-state-applicant = تطلب الانضمام
members-state-outsider = ليست عضوًا
members-application-heading = طلب الانضمام
members-removal-heading = مقترح إقصاء هذا العضو
members-position-endorsed = أيّدت منظمتك هذا الطلب.
members-position-waiting = لم تصوّت منظمتك على هذا الطلب بعد.
members-position-removing = صوّتت منظمتك لإقصاء هذا العضو.
members-profile-heading = الملف التعريفي
members-no-profile = لم تنشر هذه المنظمة ملفًا تعريفيًا بعد.
members-field-name = الاسم
members-field-country = البلد
members-field-region = المنطقة
members-field-website = الموقع الإلكتروني
members-field-description = ما تقوم به المنظمة
members-org-id = معرّف المنظمة:
members-devices-heading = الأجهزة
members-devices-none = لم يصل إلى هذه العقدة أي جهاز لهذه المنظمة بعد.
members-this-device = هذا الجهاز
members-revoked = ملغى
members-device-revoked = تُرفض سجلاته ابتداءً من السجل رقم { $count }
members-device-records = { $count ->
    [0] لا سجلات محفوظة هنا
    [one] سجل واحد محفوظ هنا
    [two] سجلان محفوظان هنا
    [few] { $count } سجلات محفوظة هنا
    [many] { $count } سجلًا محفوظًا هنا
   *[other] { $count } سجل محفوظ هنا
}

members-removal-offer-heading = إذا كان على هذه المنظمة أن تغادر الشبكة
members-removal-how = { $needed ->
    [one] يتطلب إقصاء عضو صوت منظمة عضو أخرى واحدة.
    [two] يتطلب إقصاء عضو صوتَي منظمتين عضوين أخريين.
    [few] يتطلب إقصاء عضو أصوات { $needed } من المنظمات الأعضاء الأخرى.
    [many] يتطلب إقصاء عضو أصوات { $needed } من المنظمات الأعضاء الأخرى.
   *[other] يتطلب إقصاء عضو أصوات { $needed } من المنظمات الأعضاء الأخرى.
} سيُطلب منك التأكيد، ويبقى ما سبق أن نشرته هذه المنظمة.
members-vote-heading = تصويت منظمتك
members-vote-hint = كل تصويت يُوقَّع باسم منظمتك. سيُطلب منك التأكيد.
members-button-admit = أيّد القبول
members-button-remove = اقترح الإقصاء
members-button-withdraw = اسحب تصويتنا
members-vote-title = التصويت
members-vote-now = الوضع الآن: { $tally }.
members-vote-signed = هذا التصويت موقَّع باسم منظمتك ولا يمكن استرجاعه، وإنما يمكن تغييره بتصويت لاحق.
members-vote-cancel = إلغاء
members-vote-admit-title = تأييد قبول { $org }؟
members-vote-admit-consequence = قبول { $org } يتيح لأجهزتها النشر في الشبكة كلها وقراءة السجلات المشتركة مع الأعضاء فقط. وتصبح عضوًا حين يؤيدها { $needed } من المنظمات الأعضاء.
members-vote-admit-decides = تأييدك يحسم القرار: تصبح { $org } عضوًا بمجرد نشره.
members-vote-admit-button = أيّد القبول
members-vote-remove-title = التصويت لإقصاء { $org }؟
members-vote-remove-consequence = إقصاء { $org } يقطع أجهزتها عن الشبكة: فلا تستطيع بعده النشر فيها ولا قراءة السجلات المشتركة مع الأعضاء فقط. ويبقى ما سبق أن نشرته. وتُقصى حين يصوّت لذلك { $needed } من المنظمات الأعضاء الأخرى.
members-vote-remove-decides = تصويتك يحسم القرار: تُقصى { $org } بمجرد نشره.
members-vote-remove-button = صوّت للإقصاء
members-vote-withdraw-title = سحب تصويتك بشأن { $org }؟
members-vote-withdraw-endorsement = لن يُحتسب بعد الآن تأييد منظمتك لقبول { $org }. يمكنك تأييدها مرة أخرى لاحقًا.
members-vote-withdraw-removal = لن يُحتسب بعد الآن تصويت منظمتك لإقصاء { $org }. يمكنك التصويت مرة أخرى لاحقًا.
members-vote-withdraw-button = اسحب تصويتنا
members-vote-bad-choice = هذا التصويت غير معروف للتطبيق. عد إلى صفحة المنظمة واستخدم أزرارها.
members-vote-not-member = لا يصوّت إلا المنظمات الأعضاء. تستطيع منظمتك التصويت بعد قبولها.
members-vote-already-member = { $org } عضو بالفعل.
members-vote-unknown = لم تتقدم { $org } بطلب انضمام، لذلك لا يوجد ما يمكن تأييده.
members-vote-already-endorsed = سبق أن أيّدت منظمتك { $org }.
members-vote-not-ourselves = لا تستطيع منظمتك التصويت لإقصاء نفسها.
members-vote-not-a-member = { $org } ليست عضوًا، لذلك لا يمكن إقصاؤها.
members-vote-already-removing = سبق أن صوّتت منظمتك لإقصاء { $org }.
members-vote-nothing-to-withdraw = ليس لمنظمتك تصويت بشأن { $org } لتسحبه.
members-notice-endorsed = نُشر تأييدك. الوضع الآن: { $tally }.
members-notice-admitted = نُشر تأييدك، وأصبحت { $org } عضوًا في الشبكة.
members-notice-remove-voted = نُشر تصويتك. الوضع الآن: { $tally }.
members-notice-removed = نُشر تصويتك، ولم تعد { $org } عضوًا في الشبكة.
members-notice-withdrawn = سُحب تصويتك. الوضع الآن: { $tally }.

members-apply-title = طلب الانضمام
members-apply-lead = تقرأ المنظمات الأعضاء طلبك مع الملف التعريفي لمنظمتك قبل أن تصوّت. إرسال هذا النموذج ينشرهما معًا، موقَّعين باسم منظمتك.
members-apply-who = من هي منظمتك
members-apply-who-new = ليس لمنظمتك ملف تعريفي بعد: ومن دونه لن يرى الأعضاء إلا رمزًا قصيرًا بدل اسمها. تُنشر هذه البيانات ملفًا تعريفيًا لها مع الطلب؛ ويمكنك لاحقًا إضافة موقعها الإلكتروني ومجموعات العمل واللغات من صفحة الملف التعريفي.
members-apply-who-from-profile = عُبّئت هذه الحقول من أحدث ملف تعريفي لمنظمتك. إذا غيّرت فيها شيئًا، تُنشر نسخة جديدة من الملف التعريفي مع الطلب؛ ويبقى موقعها الإلكتروني ومجموعات العمل واللغات كما هي.
members-apply-name = اسم منظمتك
members-apply-description-hint = بضع جمل: ما الذي تفعله منظمتك، ولمن، وأين.
members-apply-statement = لماذا تطلب منظمتك الانضمام
members-apply-statement-hint = من أنتم، وأين تعملون، وما الذي ستقدمونه إلى الشبكة وما الذي تأملونه منها.
members-apply-signed = الطلب موقَّع باسم منظمتك ولا يمكن استرجاعه؛ ويمكنك إرسال طلب جديد لاحقًا.
members-apply-send = أرسل الطلب
members-apply-statement-missing = اكتب بضع كلمات عن منظمتك ولماذا تطلب الانضمام.
members-apply-statement-long = النص طويل جدًا: اجعل عدد أحرفه { $count } على الأكثر.

members-profile-title = ملفنا التعريفي
members-profile-intro = ترى كل المنظمات الأعضاء هذا الملف التعريفي. حفظه ينشر نسخة جديدة منه موقَّعة باسم منظمتك.
members-profile-none-yet = لم تنشر منظمتك ملفًا تعريفيًا بعد: لا يرى الأعضاء إلا اسمها.
members-profile-edit = عدّل الملف التعريفي
members-field-region-hint = مثلًا: شرق أفريقيا، أو جنوب شرق آسيا، أو منطقة الأنديز.
members-field-list-hint = افصل بينها بفاصلة لاتينية (,)، مثلًا: السكن, الأرض, التقاضي الاستراتيجي.
members-field-languages-hint = اللغات التي تعمل بها منظمتك، مفصولة بفاصلة لاتينية (,).
members-profile-public = الملف التعريفي مرئي لكل أعضاء الشبكة.
members-profile-save = انشر الملف التعريفي
members-profile-saved = نُشر ملفك التعريفي. يراه الأعضاء مع مزامنة عقدهم.
members-profile-name-missing = اكتب اسم منظمتك.
members-profile-too-long = أحد الحقول طويل جدًا: يجب ألا يتجاوز عدد أحرف كل من الاسم والبلد والمنطقة والموقع الإلكتروني { $max }.
members-profile-description-long = الوصف طويل جدًا: اجعل عدد أحرفه { $count } على الأكثر.
members-profile-website-bad = يجب أن يكون الموقع الإلكتروني عنوان ويب يبدأ بـ https:// أو http://.
members-devices-change = إضافة جهاز أو إلغاؤه
members-devices-root-key = تتطلب إضافة جهاز أو إلغاؤه المفتاح الجذري لمنظمتك، وهو يبقى غير متصل بالإنترنت على حاسوب المسؤول عن العقدة ولا يدخل هذه العقدة أبدًا. أعطِ المسؤول عن العقدة الأمر أدناه ليشغّله حيث يوجد المفتاح الجذري.
members-devices-add-heading = إضافة جهاز
members-devices-add-how = ينشئ هذا الأمر مجلدًا للجهاز الجديد (حاسوب محمول، أو خادم ثانٍ). انسخه إلى الجهاز وشغّل العقدة عليه؛ فينضم بوصفه أحد أجهزة منظمتك.
members-devices-sample-label = حاسوب ميداني
members-devices-revoke-heading = إلغاء جهاز مفقود أو مُصادَر
members-devices-revoke-how = تُرفض في كل مكان سجلات الجهاز الملغى ابتداءً من رقم السجل المحدد. كل أمر أدناه لا يرفض إلا ما ينتجه الجهاز من الآن فصاعدًا؛ وإذا كان الجهاز قد أُخذ قبل ذلك، فيستخدم المسؤول عن العقدة الرقم الذي يلي آخر سجل تثق به.
members-devices-revoke-none = لا يوجد جهاز آخر لإلغائه.
members-devices-revoke-this = لا يستطيع هذا الجهاز ({ $device }) إلغاء نفسه: ألغِه من جهاز آخر من أجهزة منظمتك.
