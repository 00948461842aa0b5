# الحذف بتصويت الأعضاء: لوحة دراسة الحالة، وصفحة التصويت، والقائمة.
redaction-panel-title = السلامة
redaction-tally = { $votes } من { $needed } { $needed ->
    [one] صوت لازم
   *[other] أصوات لازمة
} لحذفها
redaction-request-action = طلب الحذف…
redaction-vote-action = التصويت على الحذف…
redaction-hint = إذا كانت دراسة الحالة هذه تعرّض أحدًا للخطر ولم تستطع منظمتها سحبها أو لم ترد ذلك، فبإمكان أي عضو أن يطلب من الشبكة حذفها.
redaction-hint-asked = طلب عضو من الشبكة حذف دراسة الحالة هذه. اقرأ الأسباب؛ وإن كنت توافق، أضف صوت منظمتك.
redaction-hint-voted = صوّتت منظمتك على حذفها. يُحذف محتواها من كل العقد حين يصوّت عدد كافٍ من الأعضاء.
redaction-hint-ours = يستطيع الأعضاء أن يطلبوا من الشبكة حذف دراسة حالة تعرّض أحدًا للخطر. إن كنت توافق على طلب، فاسحبها بنفسك: هذا أسرع.
redaction-page-title = حذف دراسة الحالة هذه
redaction-what = حذفها بالتصويت يعني:
redaction-needed = { $count ->
    [one] حين تصوّت منظمة عضو واحدة غير الناشرة، تحذف كل العقد محتواها كما لو أن منظمتها سحبتها. وتُحذف ملفاتها أيضًا.
   *[other] حين تصوّت { $count } منظمات أعضاء غير الناشرة، تحذف كل العقد محتواها كما لو أن منظمتها سحبتها. وتُحذف ملفاتها أيضًا.
}
redaction-author-cannot-block = لا تستطيع المنظمة التي نشرتها منع الحذف.
redaction-vote-signed = صوتك موقّع باسم منظمتك، ويراه كل الأعضاء مع سببك، ولا يمكن سحبه.
redaction-reason = لماذا تعرّض أحدًا للخطر، ظاهر لكل الأعضاء
redaction-reason-hint = قل ما هو الخطر دون تكرار ما يعرّضهم له، مثلًا: تذكر اسم شاهد تعرّض للتهديد منذ ذلك الحين.
redaction-reason-empty = اذكر سببًا في كلمات قليلة: يقرّر فيه الأعضاء الآخرون.
redaction-confirm = التصويت على الحذف
redaction-cancel = الرجوع دون تصويت
redaction-refused-own = دراسة الحالة هذه لمنظمتك: اسحبها من صفحتها بدلًا من ذلك.
redaction-refused-not-member = لا يصوّت على حذف سجل إلا المنظمات الأعضاء، ومنظمتك ليست عضوًا الآن.
redaction-refused-voted = صوّتت منظمتك من قبل على حذف دراسة الحالة هذه.
redaction-done-voted = نُشر صوتك. يرى الأعضاء الآخرون الطلب في هذه الصفحة وفي صفحة الأعضاء حين تتزامن عُقدهم.
redaction-done-redacted = كان صوتك آخر صوت لازم: تحذف كل العقد المحتوى حين يصلها التصويت.
redaction-redacted-title = حُذفت دراسة الحالة هذه
redaction-redacted-by = حُذفت بتصويت الأعضاء
redaction-redacted-author = نشرتها
redaction-redacted-reason = السبب المذكور
redaction-redacted-explain = صوّت عدد كافٍ من المنظمات الأعضاء بأنها تعرّض أحدًا للخطر. لم يعد محتواها ولا ملفاتها محفوظة في هذه العقدة ولا في غيرها؛ ولم يبقَ إلا الإثبات الموقّع على وجودها، والأصوات.
# حذف مستجد الحملة: تختلف الكلمات عن كلمات دراسة الحالة في لغات أخرى.
redaction-update-tally = { $votes } من { $needed } { $needed ->
    [one] صوت لازم
   *[other] أصوات لازمة
} لحذف هذا المستجد
redaction-update-request-action = طلب حذف هذا المستجد…
redaction-update-vote-action = التصويت على حذف هذا المستجد…
redaction-update-voted = صوّتت منظمتك على حذف هذا المستجد.
redaction-update-hint = إذا كان مستجد يعرّض أحدًا للخطر ولم تستطع منظمته سحبه أو لم ترد ذلك، فبإمكان أي عضو أن يطلب من الشبكة حذفه.
redaction-update-page-title = حذف مستجد الحملة هذا
redaction-update-of = مستجد في { $campaign }
redaction-update-of-gone = تحديث لحملة حُذفت
redaction-update-what = حذفه بالتصويت يعني:
redaction-update-needed = { $count ->
    [one] حين تصوّت منظمة عضو واحدة غير الناشرة، تحذف كل العقد نصه كما لو أن منظمته سحبته.
   *[other] حين تصوّت { $count } منظمات أعضاء غير الناشرة، تحذف كل العقد نصه كما لو أن منظمته سحبته.
}
redaction-update-author-cannot-block = لا تستطيع المنظمة التي نشرته منع الحذف.
redaction-update-reason = لماذا يعرّض أحدًا للخطر، ظاهر لكل الأعضاء
redaction-update-reason-hint = قل ما هو الخطر دون تكرار ما يعرّضهم له، مثلًا: يذكر العنوان الذي تقيم فيه عائلة مدافع معتقل.
redaction-update-confirm = التصويت على حذف هذا المستجد
redaction-update-refused-own = هذا المستجد لمنظمتك: يستطيع المشغّل سحبه بالأمر commons publish retract.
redaction-update-refused-voted = صوّتت منظمتك من قبل على حذف هذا المستجد.
# حذف تنبيه.
redaction-alert-tally = { $votes } من { $needed } { $needed ->
    [one] صوت لازم
   *[other] أصوات لازمة
} لحذف هذا التنبيه
redaction-alert-hint = إذا كان هذا التنبيه يعرّض أحدًا للخطر ولم تستطع منظمته سحبه أو لم ترد ذلك، فبإمكان أي عضو أن يطلب من الشبكة حذفه.
redaction-alert-hint-asked = طلب عضو من الشبكة حذف هذا التنبيه. اقرأ الأسباب؛ وإن كنت توافق، أضف صوت منظمتك.
redaction-alert-hint-voted = صوّتت منظمتك على حذفه. يُحذف محتواه من كل العقد حين يصوّت عدد كافٍ من الأعضاء.
redaction-alert-hint-ours = يستطيع الأعضاء أن يطلبوا من الشبكة حذف تنبيه يعرّض أحدًا للخطر. إن كنت توافق على طلب، فاسحبه بنفسك: يستطيع المشغّل ذلك بالأمر commons publish retract.
redaction-alert-page-title = حذف هذا التنبيه
redaction-alert-what = حذفه بالتصويت يعني:
redaction-alert-needed = { $count ->
    [one] حين تصوّت منظمة عضو واحدة غير الناشرة، تحذف كل العقد محتواه كما لو أن منظمته سحبته.
   *[other] حين تصوّت { $count } منظمات أعضاء غير الناشرة، تحذف كل العقد محتواه كما لو أن منظمته سحبته.
}
redaction-alert-author-cannot-block = لا تستطيع المنظمة التي أطلقته منع الحذف.
redaction-alert-reason = لماذا يعرّض أحدًا للخطر، ظاهر لكل الأعضاء
redaction-alert-reason-hint = قل ما هو الخطر دون تكرار ما يعرّضهم له، مثلًا: يذكر مكان اختباء مدافع فرّ.
redaction-alert-confirm = التصويت على حذف هذا التنبيه
redaction-alert-refused-own = هذا التنبيه لمنظمتك: يستطيع المشغّل سحبه بالأمر commons publish retract.
redaction-alert-refused-voted = صوّتت منظمتك من قبل على حذف هذا التنبيه.
# حذف حملة.
redaction-campaign-tally = { $votes } من { $needed } { $needed ->
    [one] صوت لازم
   *[other] أصوات لازمة
} لحذف هذه الحملة
redaction-campaign-hint = إذا كانت هذه الحملة تعرّض أحدًا للخطر ولم تستطع منظمتها سحبها أو لم ترد ذلك، فبإمكان أي عضو أن يطلب من الشبكة حذفها مع كل نسخها.
redaction-campaign-hint-asked = طلب عضو من الشبكة حذف هذه الحملة. اقرأ الأسباب؛ وإن كنت توافق، أضف صوت منظمتك.
redaction-campaign-hint-voted = صوّتت منظمتك على حذفها. يُحذف محتواها من كل العقد حين يصوّت عدد كافٍ من الأعضاء.
redaction-campaign-hint-ours = يستطيع الأعضاء أن يطلبوا من الشبكة حذف حملة تعرّض أحدًا للخطر. إن كنت توافق على طلب، فاسحبها بنفسك: يستطيع المشغّل ذلك بالأمر commons publish retract.
redaction-campaign-page-title = حذف هذه الحملة
redaction-campaign-what = حذفها بالتصويت يعني:
redaction-campaign-needed = { $count ->
    [one] حين تصوّت منظمة عضو واحدة غير الناشرة، تحذف كل العقد محتواها ومحتوى كل نسخها كما لو أن منظمتها سحبتها. وتبقى مستجداتها.
   *[other] حين تصوّت { $count } منظمات أعضاء غير الناشرة، تحذف كل العقد محتواها ومحتوى كل نسخها كما لو أن منظمتها سحبتها. وتبقى مستجداتها.
}
redaction-campaign-author-cannot-block = لا تستطيع المنظمة التي تقودها منع الحذف.
redaction-campaign-reason = لماذا تعرّض أحدًا للخطر، ظاهر لكل الأعضاء
redaction-campaign-reason-hint = قل ما هو الخطر دون تكرار ما يعرّضهم له، مثلًا: تذكر أهدافها أسماء مدافعين معتقلين طلبت عائلاتهم الصمت.
redaction-campaign-confirm = التصويت على حذف هذه الحملة
redaction-campaign-refused-own = هذه الحملة لمنظمتك: يستطيع المشغّل سحبها بالأمر commons publish retract.
redaction-campaign-refused-voted = صوّتت منظمتك من قبل على حذف هذه الحملة.
# حذف ملف تعريفي.
redaction-profile-tally = { $votes } من { $needed } { $needed ->
    [one] صوت لازم
   *[other] أصوات لازمة
} لحذف هذا الملف التعريفي
redaction-profile-hint = إذا كان هذا الملف التعريفي يعرّض أحدًا للخطر ولم تستطع منظمته سحبه أو لم ترد ذلك، فبإمكان أي عضو أن يطلب من الشبكة حذفه مع كل نسخه.
redaction-profile-hint-asked = طلب عضو من الشبكة حذف هذا الملف التعريفي. اقرأ الأسباب؛ وإن كنت توافق، أضف صوت منظمتك.
redaction-profile-hint-voted = صوّتت منظمتك على حذفه. يُحذف محتواه من كل العقد حين يصوّت عدد كافٍ من الأعضاء.
redaction-profile-hint-ours = يستطيع الأعضاء أن يطلبوا من الشبكة حذف ملف تعريفي يعرّض أحدًا للخطر. إن كنت توافق على طلب، فاسحبه بنفسك: يستطيع المشغّل ذلك بالأمر commons publish retract.
redaction-profile-page-title = حذف هذا الملف التعريفي
redaction-profile-of = الملف التعريفي لـ{ $org }
redaction-profile-what = حذفه بالتصويت يعني:
redaction-profile-needed = { $count ->
    [one] حين تصوّت منظمة عضو واحدة غير الناشرة، تحذف كل العقد محتواه ومحتوى كل نسخه كما لو أن منظمته سحبته. وتبقى المنظمة عضوًا؛ ويظهر مكانه ملف تعريفي سابق نشرته، إن وُجد.
   *[other] حين تصوّت { $count } منظمات أعضاء غير الناشرة، تحذف كل العقد محتواه ومحتوى كل نسخه كما لو أن منظمته سحبته. وتبقى المنظمة عضوًا؛ ويظهر مكانه ملف تعريفي سابق نشرته، إن وُجد.
}
redaction-profile-author-cannot-block = لا تستطيع المنظمة التي يصفها منع الحذف.
redaction-profile-reason = لماذا يعرّض أحدًا للخطر، ظاهر لكل الأعضاء
redaction-profile-reason-hint = قل ما هو الخطر دون تكرار ما يعرّضهم له، مثلًا: يذكر وصفه بلدة منسّقة تتعرّض للملاحقة.
redaction-profile-confirm = التصويت على حذف هذا الملف التعريفي
redaction-profile-refused-own = هذا الملف التعريفي لمنظمتك: يستطيع المشغّل سحبه بالأمر commons publish retract، ثم يمكنك كتابة ملف جديد من صفحة الملف التعريفي لمنظمتك.
redaction-profile-refused-voted = صوّتت منظمتك من قبل على حذف هذا الملف التعريفي.
# حذف ردّ على تنبيه.
redaction-response-tally = { $votes } من { $needed } { $needed ->
    [one] صوت لازم
   *[other] أصوات لازمة
} لحذف هذا الرد
redaction-response-request-action = طلب حذف هذا الرد…
redaction-response-vote-action = التصويت على حذف هذا الرد…
redaction-response-voted = صوّتت منظمتك على حذف هذا الرد.
redaction-response-hint = إذا كان رد يعرّض أحدًا للخطر ولم تستطع منظمته سحبه أو لم ترد ذلك، فبإمكان أي عضو أن يطلب من الشبكة حذفه.
redaction-response-page-title = حذف هذا الرد على تنبيه
redaction-response-of = رد على { $alert }
redaction-response-of-gone = رد على تنبيه حُذف
redaction-response-what = حذفه بالتصويت يعني:
redaction-response-needed = { $count ->
    [one] حين تصوّت منظمة عضو واحدة غير الناشرة، تحذف كل العقد ملاحظته كما لو أن منظمته سحبته.
   *[other] حين تصوّت { $count } منظمات أعضاء غير الناشرة، تحذف كل العقد ملاحظته كما لو أن منظمته سحبته.
}
redaction-response-author-cannot-block = لا تستطيع المنظمة التي ردّت منع الحذف.
redaction-response-reason = لماذا يعرّض أحدًا للخطر، ظاهر لكل الأعضاء
redaction-response-reason-hint = قل ما هو الخطر دون تكرار ما يعرّضهم له، مثلًا: تذكر ملاحظته مكان احتماء العائلة.
redaction-response-confirm = التصويت على حذف هذا الرد
redaction-response-refused-own = هذا الرد لمنظمتك: يستطيع المشغّل سحبه بالأمر commons publish retract.
redaction-response-refused-voted = صوّتت منظمتك من قبل على حذف هذا الرد.
redactions-title = طلبات الحذف
redactions-breadcrumb-label = أين أنت
redactions-intro = سجلات طلبت منظمة عضو من الشبكة حذفها لأنها تعرّض أحدًا للخطر. يحتاج كل منها إلى أصوات عدد كافٍ من الأعضاء الآخرين؛ ولا تستطيع المنظمة التي نشرته منع ذلك.
redactions-open = بانتظار الأصوات
redactions-none = لا يوجد طلب حذف الآن.
redactions-decided = محذوفة
redactions-badge-voted = صوّتَّ
redactions-badge-redacted = محذوف
redactions-kind-practice = دراسة حالة
redactions-kind-campaign = حملة
redactions-kind-update = مستجد حملة
redactions-kind-alert = تنبيه
redactions-kind-response = رد على تنبيه
redactions-kind-profile = ملف تعريفي
redactions-kind-other = سجل
redactions-kind-gone = حُذف المحتوى
redactions-org-unknown = منظمة لا تعرفها هذه العقدة
members-redactions-open = { $count ->
    [0] لا يوجد طلب حذف الآن.
    [one] طلب واحد بانتظار الأصوات.
    [two] طلبان بانتظار الأصوات.
    [few] { $count } طلبات بانتظار الأصوات.
   *[other] { $count } طلبًا بانتظار الأصوات.
}
members-redactions-see = عرض الطلبات
