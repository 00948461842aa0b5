# Groupes de travail.
groups-title = Groupes de travail
groups-intro = Les documents d'un groupe de travail sont scellés pour les appareils de ses organisations membres : les nœuds des autres membres les conservent et les transmettent sans pouvoir les lire.
groups-none = Ce nœud ne connaît encore aucun groupe de travail. La personne qui gère le nœud peut en fonder un avec `commons groups create`.
groups-member-count = { $count ->
    [one] 1 organisation membre
   *[other] { $count } organisations membres
}
groups-ours = Votre organisation en est membre
groups-members = Organisations membres
groups-member-since = depuis le { $date }
groups-records = Documents du groupe
groups-records-none = Rien n'a encore été publié dans ce groupe.
groups-byline = { $org }, { $date }
groups-byline-outside = { $org } (ne fait pas partie du groupe à présent), { $date }
groups-unknown-org = une organisation que ce nœud ne connaît pas
groups-sealed = Scellé
groups-sealed-not-ours = Illisible ici : il a été scellé avant que votre organisation rejoigne le groupe, après qu'elle l'a quitté, ou avant que cet appareil puisse recevoir la clé du groupe.
groups-sealed-waiting = Pas encore lisible : sa clé n'est pas encore arrivée sur ce nœud. Elle arrive d'habitude en moins d'une minute.
groups-sealed-broken = Illisible : il ne s'ouvre pas avec la clé du groupe. Il a peut-être été altéré.
groups-write = Écrire au groupe
groups-write-hint = Seules les organisations membres de ce groupe peuvent lire ce que vous publiez ici. Le reste est visible par tous les membres : que votre organisation a publié, quand, et la longueur du texte.
groups-not-ours = Votre organisation n'est pas membre de ce groupe : elle ne peut ni y publier, ni lire ce qui y sera publié désormais. Demandez à l'un de ses membres de l'inviter.
groups-field-title = Titre
groups-field-summary = Résumé
groups-field-body = Texte
groups-publish = Publier dans le groupe
groups-published = Publié dans le groupe.
groups-not-found = Ce nœud ne connaît pas ce groupe de travail. Il n'est peut-être pas encore arrivé jusqu'ici.
groups-form-missing = Donnez au document un titre et un texte.
groups-form-too-long = Le texte est trop long pour un seul document : divisez-le en parties.
groups-form-not-member = Votre organisation n'est plus membre de ce groupe.
groups-publish-failed = La publication a échoué : { $detail }
