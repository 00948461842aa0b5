# Études de cas : la bibliothèque, une étude de cas, en écrire une, en retirer une.
cases-title = Études de cas
cases-lead = Ce que les organisations membres ont fait, dans quel contexte, et ce que d’autres peuvent en reprendre. Les plus récentes d’abord.
cases-write = Écrire une étude de cas
cases-write-first = Écrire la première étude de cas
cases-breadcrumb-label = Vous êtes ici
cases-back = Retour aux études de cas

## La recherche et les filtres de la bibliothèque
cases-filters-label = Rechercher et filtrer les études de cas
cases-search-label = Rechercher
cases-search-hint = Tous les mots doivent figurer, sous une forme ou une autre (expulsées trouve expulsée) ; le début d’un mot suffit (expul trouve expulsion).
cases-search-button = Rechercher
cases-search-no-words = Tapez au moins un mot fait de lettres ou de chiffres.
cases-search-too-long = Cette recherche est trop longue. Cherchez moins de mots (16 au plus).
cases-filter-theme = Thème
cases-filter-any-theme = Tous les thèmes
cases-filter-region = Région
cases-filter-any-region = Toutes les régions
cases-filter-language = Langue
cases-filter-any-language = Toutes les langues
cases-filter-org = Organisation
cases-filter-any-org = Toutes les organisations
cases-filter-org-unknown = Ce nœud ne connaît pas l’organisation de ce filtre. Choisissez une organisation dans la liste.
cases-filter-since = Publiées depuis le
cases-filter-since-bad = Ce n’est pas une date. Choisissez-en une dans le calendrier, ou laissez le champ vide.
cases-filters-clear = Retirer tous les filtres
cases-fix-filters = Corrigez la recherche ci-dessus pour voir les études de cas.
cases-results = Résultats
cases-count = { $count ->
    [one] Une étude de cas, la plus récente d’abord.
   *[other] { $count } études de cas, les plus récentes d’abord.
}
cases-count-matching = { $count ->
    [one] Une étude de cas correspond.
   *[other] { $count } études de cas correspondent.
}
cases-count-more = Les plus anciennes sont sur la page suivante.
cases-none-match = Aucune étude de cas de ce nœud ne correspond.
cases-none-match-hint = Essayez des mots moins nombreux ou plus courts, un autre thème ou une autre région, ou une date plus ancienne.
cases-none-older = Il n’y a pas d’études de cas plus anciennes.
cases-none-yet = Aucune étude de cas n’est encore arrivée sur ce nœud. Celles que publient les membres apparaîtront ici au fil de la synchronisation.
cases-stopped-early = { $count ->
    [one] Cette page s’est arrêtée après avoir parcouru une étude de cas.
   *[other] Cette page s’est arrêtée après avoir parcouru { $count } études de cas sans se remplir. D’autres, plus anciennes, peuvent encore correspondre : passez à la page suivante.
}
cases-pager-label = Pages
cases-pager-newest = ← Revenir aux plus récentes
cases-pager-older = Études de cas plus anciennes →
cases-members-only = Membres seulement

## Une étude de cas
cases-by = Par
cases-about = À propos de cette étude de cas
cases-org = Organisation
cases-ours = La nôtre
cases-org-not-member = N’est plus membre
cases-published = Publiée
cases-visibility = Qui peut la lire
cases-visibility-members = Les organisations membres seulement
cases-visibility-public = Publique : les organisations membres, et quiconque le réseau autorise à lire
cases-themes = Thèmes
cases-regions = Régions
cases-language = Langue
cases-licence = Licence
cases-not-given = Non précisée
cases-links = Pour aller plus loin
cases-links-hidden = { $count ->
    [one] Un lien n’est pas affiché, car ce n’est pas une adresse web.
   *[other] { $count } liens ne sont pas affichés, car ce ne sont pas des adresses web.
}
cases-provenance = Qui l’a signée
cases-signed-by = Appareil signataire
cases-device-revoked = Son organisation a révoqué cet appareil depuis
cases-signature = Signature
cases-signature-ok-badge = Valide
cases-signature-ok = vérifiée à nouveau le { $when }.
cases-signature-bad-badge = Ne se vérifie pas
cases-signature-bad = La signature de cette étude de cas ne se vérifie plus : la copie de ce nœud est endommagée ou a été modifiée. Ne vous y fiez pas, et demandez à votre opérateur de restaurer le nœud depuis une sauvegarde.
cases-record-id = Enregistrement
cases-ours-title = Étude de cas de notre organisation
cases-ours-hint = Si elle met quelqu’un en danger ou contient des erreurs, vous pouvez la retirer : chaque nœud en supprime alors le contenu.
cases-retract-action = Retirer…
cases-done-published = Votre étude de cas est publiée. Les nœuds des autres membres la recevront en se synchronisant.
cases-done-retracted = L’étude de cas est retirée. Chaque nœud en supprime le contenu dès que le retrait lui parvient.

## Une étude de cas retirée
cases-retracted-title = Cette étude de cas a été retirée
cases-retracted-by = Retirée par son organisation,
cases-retracted-by-unknown = Son organisation l’a retirée.
cases-retracted-reason = Leur motif
cases-retracted-no-reason = Aucun motif n’a été donné, ou leur retrait n’est pas encore arrivé sur ce nœud.
cases-retracted-explain = Son contenu n’est plus conservé sur ce nœud ni sur aucun autre ; seule demeure la trace signée de son existence et de son retrait.
cases-retracted-published = Elle avait été publiée le { $date }.

## Écrire une étude de cas
cases-new-title = Écrire une étude de cas
cases-new-lead = Racontez aux autres membres ce que votre organisation a fait, dans quel contexte, face à quel problème, ce qui s’est passé et ce qu’ils peuvent en reprendre. Rien n’est publié tant que vous n’appuyez pas sur Publier.
cases-form-has-errors = Rien n’a encore été publié. Corrigez les champs signalés ci-dessous ; tout ce que vous avez écrit est conservé.
cases-field-title = Titre
cases-field-summary = Résumé (facultatif)
cases-field-summary-hint = Deux ou trois phrases que la bibliothèque affiche sous le titre.
cases-field-body = L’étude de cas
cases-field-body-hint = Une ligne vide commence un nouveau paragraphe. Commencez une ligne par ## pour un intertitre, ou par - pour un élément de liste. Mettez **deux étoiles** autour des mots pour le gras, *une étoile* pour l'italique. Écrivez [mots](https://…) pour relier des mots à une adresse web. Les images ne sont pas affichées.
cases-field-tags-used = Déjà utilisés dans le réseau :
cases-field-themes = Thèmes
cases-field-themes-other = Autres thèmes
cases-field-themes-hint = Séparez-les par des virgules, par exemple : logement, droit à la terre.
cases-field-regions = Régions
cases-field-regions-other = Autres régions
cases-field-regions-hint = Séparez-les par des virgules, par exemple : Afrique de l’Est, Kenya.
cases-field-language = Écrite en
cases-field-licence = Licence
cases-field-licence-hint = CC-BY-4.0 permet à d’autres de la reprendre en citant votre organisation.
cases-field-links = Liens (facultatif)
cases-field-links-hint = Une adresse web par ligne, commençant par https://
cases-field-visibility = Qui peut la lire
cases-visibility-members-choice = Membres seulement
cases-visibility-members-explain = Seules les organisations membres du réseau peuvent la lire. Elle est exclue des archives publiques.
cases-visibility-public-choice = Publique
cases-visibility-public-explain = Les organisations membres, et quiconque le réseau autorise à lire : elle peut être copiée dans des archives publiques utilisées par des chercheurs.
cases-preview-button = Aperçu
cases-publish-button = Publier
cases-cancel = Annuler
cases-publish-hint = Publier signe l’étude de cas au nom de votre organisation et l’envoie à tous les membres. Vous pourrez la retirer plus tard, mais les copies déjà lues ne peuvent pas être rappelées.
cases-preview-note = Aperçu : voici comment les membres la verront. Elle n’est pas encore publiée.
cases-preview-untitled = (Pas encore de titre)
cases-preview-edit = Modifier ci-dessous
cases-error-title-empty = Donnez un titre à l’étude de cas.
cases-error-title-long = { $count ->
    [one] Le titre est trop long : un caractère au plus.
   *[other] Le titre est trop long : { $count } caractères au plus.
}
cases-error-summary-long = { $count ->
    [one] Le résumé est trop long : un caractère au plus.
   *[other] Le résumé est trop long : { $count } caractères au plus. Déplacez le reste dans l’étude de cas elle-même.
}
cases-error-body-empty = Écrivez l’étude de cas elle-même.
cases-error-too-big = L’étude de cas fait { $size } Ko ; un enregistrement en contient au plus { $max } Ko. Raccourcissez-la, ou mettez le rapport complet en ligne et ajoutez son lien.
cases-error-too-many-tags = { $count } indiqués ; { $max } au plus. Gardez les plus importants.
cases-error-tag-too-long = « { $tag } » est trop long pour un thème ou une région. Choisissez un nom plus court.
cases-error-language = Choisissez la langue dans laquelle l’étude de cas est écrite.
cases-error-licence = La licence est trop longue : donnez son nom court, comme CC-BY-4.0.
cases-error-links-many = { $count ->
    [one] Un lien au plus.
   *[other] { $count } liens au plus.
}
cases-error-link = « { $link } » n’est pas une adresse web. Chaque ligne doit commencer par https:// ou http://

## Retirer l’une des nôtres
cases-retract-title = Retirer cette étude de cas
cases-retract-what = La retirer signifie que :
cases-retract-drop = Chaque nœud du réseau, celui-ci compris, en supprime le contenu dès que le retrait lui parvient. Plus personne ne pourra la lire dans Commons.
cases-retract-permanent = Le retrait est signé au nom de votre organisation et définitif : il ne peut pas être annulé, et les membres verront que vous l’avez retirée, avec votre motif.
cases-retract-copies = Les copies déjà enregistrées ou imprimées hors de Commons ne peuvent pas être rappelées.
cases-retract-reason = Motif, visible par tous les membres
cases-retract-reason-hint = Quelques mots suffisent, par exemple : les personnes citées sont en danger.
cases-retract-reason-empty = Donnez un motif en quelques mots : les membres le verront à la place de l’étude de cas.
cases-retract-reason-long = { $count ->
    [one] Le motif est trop long : un caractère au plus.
   *[other] Le motif est trop long : { $count } caractères au plus.
}
cases-retract-confirm = Retirer définitivement
cases-retract-cancel = La laisser publiée
cases-retract-not-ours = Seule l’organisation qui a publié une étude de cas peut la retirer. Si vous pensez que celle-ci devrait l’être, demandez-le-lui par sa page dans Membres.

## Modifier l'une des nôtres
cases-edit-action = Modifier
cases-edit-hint = Modifier publie une nouvelle version : les membres la voient à la place de celle-ci, et les versions précédentes restent dans son historique.
cases-edit-title = Modifier l'étude de cas
cases-edit-back = Cette étude de cas
cases-edit-lead = Corrigez ce qui doit l'être. Rien ne change tant que vous n'appuyez pas sur « Publier la nouvelle version » : elle est alors signée au nom de votre organisation, les nœuds des membres l'affichent à la place de l'actuelle, et toutes les versions précédentes restent dans l'historique.
cases-edit-publish-button = Publier la nouvelle version
cases-edit-publish-hint = La nouvelle version est signée au nom de votre organisation et envoyée à chaque membre. Les versions précédentes restent lisibles dans l'historique : pour reprendre l'étude de cas entièrement, retirez-la plutôt.
cases-edit-unchanged = Rien n'a été modifié, aucune nouvelle version n'a donc été publiée. Modifiez quelque chose, ou appuyez sur Annuler.
cases-edit-not-ours = Seule l'organisation qui a publié une étude de cas peut la modifier. Si quelque chose y est faux, dites-le-lui depuis sa page dans Membres.
cases-done-edited = La nouvelle version a été publiée. Les nœuds des autres membres l'affichent à la place de l'ancienne au fil de leur synchronisation.
cases-edited-on = modifiée le { $date }
cases-edited-when = modifiée le { $when }
cases-last-edited = Dernière modification
cases-history-see = Voir toutes les versions
cases-history-link = { $count ->
    [one] historique
   *[other] historique de { $count } versions
}

## L'historique d'une étude de cas ou d'une campagne
history-title = Historique
history-heading = Historique de « { $title } »
history-breadcrumb-label = Vous êtes ici
history-lead = { $count ->
    [one] Une version, publiée une fois et jamais modifiée.
   *[other] { $count } versions, la plus récente d'abord. Chacune indique ce qui a changé par rapport à la précédente.
}
history-original = Première version
history-version = Version { $count }
history-shown = Affichée actuellement
history-device = signée par
history-original-explain = Publiée sous le titre
history-no-change = Rien de ce qui est affiché n'a changé dans cette version.
history-changed = Ce qui a changé :
history-before = Avant
history-after = Après
history-empty = (vide)
history-added = Ajouté
history-removed = Retiré
history-line-added = Ligne ajoutée
history-line-removed = Ligne retirée
history-diff-label = Modifications de { $field }
history-lines-skipped = { $count ->
    [one] … une ligne inchangée …
   *[other] … { $count } lignes inchangées …
}
history-diff-cut = Cette modification est trop longue pour être affichée en entier ; les lignes ci-dessus en sont le début.
history-back = Revenir à la version actuelle
history-field-title = Titre
history-field-summary = Résumé
history-field-body = Texte
history-field-themes = Thèmes
history-field-regions = Régions
history-field-language = Langue
history-field-licence = Licence
history-field-links = Liens
history-field-visibility = Qui peut la lire
history-field-attachments = Fichiers
history-field-goals = Objectifs
history-field-partners = Partenaires
history-field-status = Statut

## Fichiers joints à une étude de cas
cases-files-title = Fichiers
cases-files-legend = Fichiers (facultatif)
cases-files-choose = Joindre des fichiers
cases-files-hint = Rapports, photos, témoignages, tableurs : jusqu'à { $max } Mo chacun, 32 fichiers au plus. Ils parviennent aux membres avec l'étude de cas, et seulement aux membres si elle leur est réservée.
cases-files-upload = Téléverser les fichiers choisis
cases-files-remove = Retirer
cases-files-remove-hint = Un fichier coché « Retirer » est laissé de côté quand vous prévisualisez, téléversez ou publiez.
cases-files-too-large = « { $name } » dépasse { $max } Mo, le plus gros fichier que ce nœud accepte. Il n'a pas été joint et rien n'a été publié : réduisez-le, ou mettez-le en ligne et ajoutez son lien.
cases-files-empty = « { $name } » est vide. Il n'a pas été joint.
cases-files-disk-full = « { $name } » n'a pas été joint : le disque de ce nœud est trop plein. Demandez à votre opérateur de libérer de la place, puis joignez-le à nouveau.
cases-files-failed = « { $name } » n'a pas pu être joint ({ $detail }). Réessayez ; si cela échoue encore, prévenez votre opérateur.
cases-files-upload-cut = Le téléversement s'est arrêté avant la fin. Rien n'a été publié ; joignez le fichier à nouveau.
cases-files-too-many-at-once = { $count ->
    [one] Joignez les fichiers un par un.
   *[other] Joignez au plus { $count } fichiers à la fois ; les autres n'ont pas été pris. Téléversez-les ensuite.
}
cases-files-too-many = { $count ->
    [one] Une étude de cas porte au plus un fichier.
   *[other] Une étude de cas porte au plus { $count } fichiers. Retirez-en avant de publier.
}
cases-files-bytes = { $count ->
    [one] 1 octet
   *[other] { $count } octets
}
cases-files-kb = { $count } Ko
cases-files-mb = { $whole },{ $tenth } Mo
cases-files-fetching = récupération { $count } %
cases-files-not-here = Pas encore sur ce nœud : il est récupéré auprès d'un membre qui l'a.
cases-files-not-here-large = Pas encore sur ce nœud : il est volumineux, il n'est donc récupéré que sur demande.
cases-files-fetch = Récupérer
cases-files-unreadable = Ce fichier n'a pas pu être lu sur le disque de ce nœud. Demandez à votre opérateur de consulter le journal du nœud.
cases-files-no-network = Ce nœud n'est pas connecté au réseau : le fichier ne peut pas être récupéré maintenant.
cases-files-fetch-failed = Le fichier n'a pas pu être demandé ({ $detail }). Réessayez dans un instant.
cases-done-fetching = Le fichier est en cours de récupération auprès des membres qui l'ont. Rechargez cette page pour voir où il en est.
cases-edit-link = Modifier cette étude de cas
cases-visibility-group-choice = Groupe de travail : { $group }
cases-visibility-group-explain = Seuls les appareils des organisations membres du groupe peuvent la lire : elle est chiffrée pour eux, et les autres nœuds la gardent et la transmettent sans la lire. Elle apparaît sur la page du groupe, pas dans la bibliothèque.
cases-group-no-files = Les fichiers ne peuvent pas encore aller à un groupe de travail : leurs octets voyageraient en clair. Retirez-les, ou choisissez un autre public.
