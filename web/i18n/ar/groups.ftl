# مجموعات العمل.
groups-title = مجموعات العمل
groups-intro = تُختم سجلات مجموعة العمل لأجهزة منظماتها الأعضاء: تحفظها عقد الأعضاء الآخرين وتمرّرها دون أن تستطيع قراءتها.
groups-none = لا تعرف هذه العقدة أي مجموعة عمل بعد. يمكن للمسؤول عن العقدة تأسيس مجموعة بالأمر `commons groups create`.
groups-member-count = { $count ->
    [zero] لا منظمات أعضاء
    [one] منظمة عضو واحدة
    [two] منظمتان عضوتان
    [few] { $count } منظمات أعضاء
   *[other] { $count } منظمة عضو
}
groups-ours = منظمتك عضو فيها
groups-members = المنظمات الأعضاء
groups-member-since = منذ { $date }
groups-records = سجلات المجموعة
groups-records-none = لم يُنشر شيء في هذه المجموعة بعد.
groups-byline = { $org }، { $date }
groups-byline-outside = { $org } (ليست عضوًا في المجموعة الآن)، { $date }
groups-unknown-org = منظمة لا تعرفها هذه العقدة
groups-sealed = مختوم
groups-sealed-not-ours = لا يمكن قراءته هنا: خُتم قبل انضمام منظمتك إلى المجموعة، أو بعد مغادرتها، أو قبل أن يتمكن هذا الجهاز من تلقي مفتاح المجموعة.
groups-sealed-waiting = لا يمكن قراءته بعد: لم يصل مفتاحه إلى هذه العقدة. يصل عادة في أقل من دقيقة.
groups-sealed-broken = لا يمكن قراءته: لا يُفتح بمفتاح المجموعة. ربما جرى التلاعب به.
groups-write = اكتب إلى المجموعة
groups-write-hint = لا يقرأ ما تنشره هنا إلا المنظمات الأعضاء في هذه المجموعة. أما الباقي فيراه جميع الأعضاء: أن منظمتك نشرت، ومتى، وطول النص.
groups-not-ours = منظمتك ليست عضوًا في هذه المجموعة، فلا يمكنها النشر هنا ولا قراءة ما يُنشر من الآن فصاعدًا. اطلب من أحد أعضائها دعوتها.
groups-field-title = العنوان
groups-field-summary = الملخّص
groups-field-body = النص
groups-publish = انشر في المجموعة
groups-published = نُشر في المجموعة.
groups-not-found = لا تعرف هذه العقدة مجموعة العمل هذه. ربما لم تصل إلى هذه العقدة بعد.
groups-form-missing = أعطِ السجل عنوانًا ونصًا.
groups-form-too-long = النص أطول من أن يتّسع له سجل واحد: قسّمه إلى أجزاء.
groups-form-not-member = لم تعد منظمتك عضوًا في هذه المجموعة.
groups-publish-failed = لم يُنشر: { $detail }
