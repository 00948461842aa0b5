# Les pages des campagnes : la liste, la page d’une campagne avec ses nouvelles, en lancer une.
campaigns-title = Campagnes
campaigns-lead = Les campagnes sont menées par une coalition de membres : une organisation cheffe de file et ses partenaires, avec des objectifs et un fil de nouvelles.
campaigns-start = Lancer une campagne
campaigns-tabs-label = Quelles campagnes
campaigns-tab-ours = { $count ->
    [one] Les nôtres (1)
   *[other] Les nôtres ({ $count })
}
campaigns-tab-partner = Où nous sommes partenaires ({ $count })
campaigns-tab-all = Toutes ({ $count })
campaigns-empty-ours = Notre organisation ne mène encore aucune campagne.
campaigns-empty-partner = Aucune campagne ne compte encore notre organisation parmi ses partenaires.
campaigns-empty-all = Aucune campagne n’est encore arrivée sur ce nœud.
campaigns-see-all = Voir toutes les campagnes
campaigns-led-by = Menée par
campaigns-with = avec
campaigns-goal-count = { $count ->
    [0] Aucun objectif
    [one] 1 objectif
   *[other] { $count } objectifs
}
campaigns-started-on = lancée le { $date }
campaigns-latest-update = dernière nouvelle le { $date }
campaigns-no-update-yet = pas encore de nouvelle
campaigns-list-cut = Voici les { $count } campagnes les plus récentes de ce nœud.

campaigns-status-planning = En préparation
campaigns-status-active = En cours
campaigns-status-paused = En pause
campaigns-status-won = Gagnée
campaigns-status-closed = Close

campaigns-breadcrumb-label = Vous êtes ici
campaigns-new-title = Lancer une campagne
campaigns-new-lead = Notre organisation en sera cheffe de file. Les partenaires pourront aussi y publier des nouvelles.
campaigns-new-not-started = La campagne n’a pas été lancée :
campaigns-field-title = Titre
campaigns-field-goals = Objectifs
campaigns-field-goals-hint = Un objectif par ligne, par exemple « Un moratoire sur les expulsions jusqu’à l’audience ».
campaigns-field-partners = Organisations partenaires
campaigns-field-partners-hint = Les organisations membres qui mènent cette campagne avec nous.
campaigns-field-partners-none = Il n’y a pas encore d’autre organisation membre.
campaigns-field-status = Statut
campaigns-new-visibility = Seules les organisations membres du réseau voient les campagnes.
campaigns-new-submit = Lancer la campagne
campaigns-cancel = Annuler
campaigns-error-title = Donnez un titre à la campagne.
campaigns-error-title-long = Le titre est trop long : { $max } caractères au plus.
campaigns-error-goals = Trop d’objectifs : { $max } au plus.
campaigns-done-started = La campagne a été lancée et partagée avec le réseau.

campaigns-goals = Objectifs
campaigns-goals-none = Aucun objectif n’a été indiqué.
campaigns-updates = Nouvelles
campaigns-updates-none = Pas encore de nouvelle.
campaigns-updates-cut = Seules les nouvelles les plus récentes de ce nœud ont été parcourues ; certaines plus anciennes peuvent manquer.
campaigns-us = nous
campaigns-status-now = nouveau statut :
campaigns-update-outsider = Publiée par une organisation extérieure à la coalition de cette campagne.
campaigns-coalition = Coalition
campaigns-lead-org = Cheffe de file
campaigns-partners = Partenaires
campaigns-partners-none = Aucun
campaigns-started = Lancée le
campaigns-role-lead = Nous menons cette campagne
campaigns-role-partner = Nous sommes partenaires
campaigns-post-title = Publier une nouvelle
campaigns-field-update = Quoi de neuf
campaigns-field-update-hint = Une date d’audience, une victoire, un revers, un appel à agir. Vous pouvez utiliser Markdown.
campaigns-field-new-status = Statut
campaigns-status-unchanged = Inchangé (toujours { $status })
campaigns-post-submit = Publier la nouvelle
campaigns-post-coalition-only = Seules l’organisation cheffe de file et ses partenaires publient des nouvelles de cette campagne.
campaigns-error-update-body = Écrivez la nouvelle avant de la publier.
campaigns-error-not-coalition = Seules l’organisation cheffe de file et ses partenaires peuvent publier des nouvelles de cette campagne.
campaigns-done-update = Votre nouvelle a été publiée.
campaigns-retracted = Son organisation a retiré cette campagne ; son contenu n’est donc plus conservé sur ce nœud.
campaigns-redacted = Suffisamment d’organisations membres ont voté que cette campagne mettait quelqu’un en danger ; son contenu n’est donc plus conservé sur ce nœud ni sur aucun autre.
campaigns-gone-updates = Mises à jour encore conservées ici
campaigns-gone-updates-explain = Chaque mise à jour appartient à l’organisation qui l’a publiée : elles n’ont donc pas été retirées avec la campagne. Si l’une d’elles met aussi quelqu’un en danger, demandez aux membres de la supprimer.

# Modifier l'une des nôtres, et son historique.
campaigns-edit-action = Modifier cette campagne
campaigns-edit-title = Modifier la campagne
campaigns-edit-back = Cette campagne
campaigns-edit-lead = Corrigez le titre, les objectifs, les partenaires ou le statut. Publier signe une nouvelle version au nom de notre organisation ; les nœuds des membres l'affichent à la place de l'actuelle, et toutes les versions précédentes restent dans l'historique.
campaigns-edit-submit = Publier la nouvelle version
campaigns-edit-not-published = La nouvelle version n'a pas été publiée :
campaigns-edit-unchanged = Rien n'a été modifié, aucune nouvelle version n'a donc été publiée. Modifiez quelque chose, ou appuyez sur Annuler.
campaigns-edit-not-ours = Seule l'organisation qui mène une campagne peut la modifier. Les partenaires peuvent y publier des mises à jour.
campaigns-done-edited = La nouvelle version a été publiée. Les nœuds des autres membres l'affichent à la place de l'ancienne au fil de leur synchronisation.
campaigns-edited-when = modifiée le { $when }
campaigns-history-link = { $count ->
    [one] historique
   *[other] historique de { $count } versions
}
