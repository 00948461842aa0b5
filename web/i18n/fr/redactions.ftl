# Suppression par vote des membres : le panneau d'une étude de cas, la page du vote, la liste.
redaction-panel-title = Sécurité
redaction-tally = { $votes } sur { $needed } { $needed ->
    [one] vote nécessaire
   *[other] votes nécessaires
} pour la supprimer
redaction-request-action = Demander sa suppression…
redaction-vote-action = Voter pour la supprimer…
redaction-hint = Si cette étude de cas met quelqu'un en danger et que son organisation ne peut pas ou ne veut pas la retirer, tout membre peut demander au réseau de la supprimer.
redaction-hint-asked = Un membre a demandé au réseau de supprimer cette étude de cas. Lisez les raisons ; si vous êtes d'accord, ajoutez le vote de votre organisation.
redaction-hint-voted = Votre organisation a voté pour la supprimer. Son contenu est effacé sur tous les nœuds dès que suffisamment de membres ont voté.
redaction-hint-ours = Les membres peuvent demander au réseau de supprimer une étude de cas qui met quelqu'un en danger. Si vous êtes d'accord avec une demande, retirez-la vous-même : c'est plus rapide.
redaction-page-title = Supprimer cette étude de cas
redaction-what = La supprimer par vote signifie :
redaction-needed = { $count ->
    [one] Dès qu'1 organisation membre autre que l'autrice a voté, tous les nœuds effacent son contenu, comme si son organisation l'avait retirée. Ses fichiers sont effacés aussi.
   *[other] Dès que { $count } organisations membres autres que l'autrice ont voté, tous les nœuds effacent son contenu, comme si son organisation l'avait retirée. Ses fichiers sont effacés aussi.
}
redaction-author-cannot-block = L'organisation qui l'a publiée ne peut pas bloquer la suppression.
redaction-vote-signed = Votre vote est signé au nom de votre organisation, tous les membres le voient avec votre raison, et il ne peut pas être retiré.
redaction-reason = Pourquoi elle met quelqu'un en danger, visible par tous les membres
redaction-reason-hint = Dites quel est le danger sans répéter ce qui met en danger, par exemple : elle nomme un témoin qui a depuis été menacé.
redaction-reason-empty = Donnez une raison, en quelques mots : les autres membres décident sur elle.
redaction-confirm = Voter pour la supprimer
redaction-cancel = Revenir sans voter
redaction-refused-own = Cette étude de cas est celle de votre organisation : retirez-la depuis sa page.
redaction-refused-not-member = Seules les organisations membres peuvent voter pour supprimer un enregistrement, et la vôtre n'est pas membre actuellement.
redaction-refused-voted = Votre organisation a déjà voté pour supprimer cette étude de cas.
redaction-done-voted = Votre vote a été publié. Les autres membres voient la demande sur cette page et dans Membres, au fil de la synchronisation de leurs nœuds.
redaction-done-redacted = Votre vote était le dernier nécessaire : tous les nœuds effacent le contenu à mesure que le vote leur parvient.
redaction-redacted-title = Cette étude de cas a été supprimée
redaction-redacted-by = Supprimée par vote des membres
redaction-redacted-author = publiée par
redaction-redacted-reason = La raison donnée
redaction-redacted-explain = Suffisamment d'organisations membres ont voté qu'elle mettait quelqu'un en danger. Son contenu et ses fichiers ne sont plus conservés sur ce nœud ni sur aucun autre ; seuls restent le fait signé qu'elle a existé, et les votes.
# La suppression d'une nouvelle de campagne : les mots diffèrent de ceux d'une étude de cas dans d'autres langues.
redaction-update-tally = { $votes } sur { $needed } { $needed ->
    [one] vote nécessaire
   *[other] votes nécessaires
} pour supprimer cette nouvelle
redaction-update-request-action = Demander la suppression de cette nouvelle…
redaction-update-vote-action = Voter pour supprimer cette nouvelle…
redaction-update-voted = Votre organisation a voté pour supprimer cette nouvelle.
redaction-update-hint = Si une nouvelle met quelqu'un en danger et que son organisation ne peut pas ou ne veut pas la retirer, tout membre peut demander au réseau de la supprimer.
redaction-update-page-title = Supprimer cette nouvelle de campagne
redaction-update-of = Nouvelle de { $campaign }
redaction-update-of-gone = Mise à jour d’une campagne qui a été retirée
redaction-update-what = La supprimer par vote signifie :
redaction-update-needed = { $count ->
    [one] Dès qu'1 organisation membre autre que l'autrice a voté, tous les nœuds effacent son texte, comme si son organisation l'avait retirée.
   *[other] Dès que { $count } organisations membres autres que l'autrice ont voté, tous les nœuds effacent son texte, comme si son organisation l'avait retirée.
}
redaction-update-author-cannot-block = L'organisation qui l'a publiée ne peut pas bloquer la suppression.
redaction-update-reason = Pourquoi elle met quelqu'un en danger, visible par tous les membres
redaction-update-reason-hint = Dites quel est le danger sans répéter ce qui met en danger, par exemple : elle donne l'adresse où loge la famille d'un défenseur détenu.
redaction-update-confirm = Voter pour supprimer cette nouvelle
redaction-update-refused-own = Cette nouvelle est celle de votre organisation : votre opérateur peut la retirer avec commons publish retract.
redaction-update-refused-voted = Votre organisation a déjà voté pour supprimer cette nouvelle.
# La suppression d'une alerte.
redaction-alert-tally = { $votes } sur { $needed } { $needed ->
    [one] vote nécessaire
   *[other] votes nécessaires
} pour supprimer cette alerte
redaction-alert-hint = Si cette alerte met quelqu'un en danger et que son organisation ne peut pas ou ne veut pas la retirer, tout membre peut demander au réseau de la supprimer.
redaction-alert-hint-asked = Un membre a demandé au réseau de supprimer cette alerte. Lisez les raisons ; si vous êtes d'accord, ajoutez le vote de votre organisation.
redaction-alert-hint-voted = Votre organisation a voté pour la supprimer. Son contenu est effacé sur tous les nœuds dès que suffisamment de membres ont voté.
redaction-alert-hint-ours = Les membres peuvent demander au réseau de supprimer une alerte qui met quelqu'un en danger. Si vous êtes d'accord avec une demande, retirez-la vous-même : votre opérateur le peut, avec commons publish retract.
redaction-alert-page-title = Supprimer cette alerte
redaction-alert-what = La supprimer par vote signifie :
redaction-alert-needed = { $count ->
    [one] Dès qu'1 organisation membre autre que l'autrice a voté, tous les nœuds effacent son contenu, comme si son organisation l'avait retirée.
   *[other] Dès que { $count } organisations membres autres que l'autrice ont voté, tous les nœuds effacent son contenu, comme si son organisation l'avait retirée.
}
redaction-alert-author-cannot-block = L'organisation qui l'a lancée ne peut pas bloquer la suppression.
redaction-alert-reason = Pourquoi elle met quelqu'un en danger, visible par tous les membres
redaction-alert-reason-hint = Dites quel est le danger sans répéter ce qui met en danger, par exemple : elle dit où se cache un défenseur qui a fui.
redaction-alert-confirm = Voter pour supprimer cette alerte
redaction-alert-refused-own = Cette alerte est celle de votre organisation : votre opérateur peut la retirer avec commons publish retract.
redaction-alert-refused-voted = Votre organisation a déjà voté pour supprimer cette alerte.
# La suppression d'une campagne.
redaction-campaign-tally = { $votes } sur { $needed } { $needed ->
    [one] vote nécessaire
   *[other] votes nécessaires
} pour supprimer cette campagne
redaction-campaign-hint = Si cette campagne met quelqu'un en danger et que son organisation ne peut pas ou ne veut pas la retirer, tout membre peut demander au réseau de la supprimer, avec toutes ses versions.
redaction-campaign-hint-asked = Un membre a demandé au réseau de supprimer cette campagne. Lisez les raisons ; si vous êtes d'accord, ajoutez le vote de votre organisation.
redaction-campaign-hint-voted = Votre organisation a voté pour la supprimer. Son contenu est effacé sur tous les nœuds dès que suffisamment de membres ont voté.
redaction-campaign-hint-ours = Les membres peuvent demander au réseau de supprimer une campagne qui met quelqu'un en danger. Si vous êtes d'accord avec une demande, retirez-la vous-même : votre opérateur le peut, avec commons publish retract.
redaction-campaign-page-title = Supprimer cette campagne
redaction-campaign-what = La supprimer par vote signifie :
redaction-campaign-needed = { $count ->
    [one] Dès qu'1 organisation membre autre que l'autrice a voté, tous les nœuds effacent son contenu et celui de toutes ses versions, comme si son organisation l'avait retirée. Ses nouvelles restent.
   *[other] Dès que { $count } organisations membres autres que l'autrice ont voté, tous les nœuds effacent son contenu et celui de toutes ses versions, comme si son organisation l'avait retirée. Ses nouvelles restent.
}
redaction-campaign-author-cannot-block = L'organisation qui la mène ne peut pas bloquer la suppression.
redaction-campaign-reason = Pourquoi elle met quelqu'un en danger, visible par tous les membres
redaction-campaign-reason-hint = Dites quel est le danger sans répéter ce qui met en danger, par exemple : ses objectifs nomment des défenseurs détenus dont les familles ont demandé le silence.
redaction-campaign-confirm = Voter pour supprimer cette campagne
redaction-campaign-refused-own = Cette campagne est celle de votre organisation : votre opérateur peut la retirer avec commons publish retract.
redaction-campaign-refused-voted = Votre organisation a déjà voté pour supprimer cette campagne.
# La suppression d'un profil.
redaction-profile-tally = { $votes } sur { $needed } { $needed ->
    [one] vote nécessaire
   *[other] votes nécessaires
} pour supprimer ce profil
redaction-profile-hint = Si ce profil met quelqu'un en danger et que son organisation ne peut pas ou ne veut pas le retirer, tout membre peut demander au réseau de le supprimer, avec toutes ses versions.
redaction-profile-hint-asked = Un membre a demandé au réseau de supprimer ce profil. Lisez les raisons ; si vous êtes d'accord, ajoutez le vote de votre organisation.
redaction-profile-hint-voted = Votre organisation a voté pour le supprimer. Son contenu est effacé sur tous les nœuds dès que suffisamment de membres ont voté.
redaction-profile-hint-ours = Les membres peuvent demander au réseau de supprimer un profil qui met quelqu'un en danger. Si vous êtes d'accord avec une demande, retirez-le vous-même : votre opérateur le peut, avec commons publish retract.
redaction-profile-page-title = Supprimer ce profil
redaction-profile-of = Profil de { $org }
redaction-profile-what = Le supprimer par vote signifie :
redaction-profile-needed = { $count ->
    [one] Dès qu'1 organisation membre autre que l'autrice a voté, tous les nœuds effacent son contenu et celui de toutes ses versions, comme si son organisation l'avait retiré. L'organisation reste membre ; un profil antérieur qu'elle a publié, s'il y en a un, s'affiche à sa place.
   *[other] Dès que { $count } organisations membres autres que l'autrice ont voté, tous les nœuds effacent son contenu et celui de toutes ses versions, comme si son organisation l'avait retiré. L'organisation reste membre ; un profil antérieur qu'elle a publié, s'il y en a un, s'affiche à sa place.
}
redaction-profile-author-cannot-block = L'organisation qu'il décrit ne peut pas bloquer la suppression.
redaction-profile-reason = Pourquoi il met quelqu'un en danger, visible par tous les membres
redaction-profile-reason-hint = Dites quel est le danger sans répéter ce qui met en danger, par exemple : sa description donne la ville d'une coordinatrice qui est suivie.
redaction-profile-confirm = Voter pour supprimer ce profil
redaction-profile-refused-own = Ce profil est celui de votre organisation : votre opérateur peut le retirer avec commons publish retract, puis vous pouvez en écrire un nouveau depuis la page du profil de votre organisation.
redaction-profile-refused-voted = Votre organisation a déjà voté pour supprimer ce profil.
# La suppression d'une réponse à une alerte.
redaction-response-tally = { $votes } sur { $needed } { $needed ->
    [one] vote nécessaire
   *[other] votes nécessaires
} pour supprimer cette réponse
redaction-response-request-action = Demander la suppression de cette réponse…
redaction-response-vote-action = Voter pour supprimer cette réponse…
redaction-response-voted = Votre organisation a voté pour supprimer cette réponse.
redaction-response-hint = Si une réponse met quelqu'un en danger et que son organisation ne peut pas ou ne veut pas la retirer, tout membre peut demander au réseau de la supprimer.
redaction-response-page-title = Supprimer cette réponse à une alerte
redaction-response-of = Réponse à { $alert }
redaction-response-of-gone = Réponse à une alerte qui a été retirée
redaction-response-what = La supprimer par vote signifie :
redaction-response-needed = { $count ->
    [one] Dès qu'1 organisation membre autre que l'autrice a voté, tous les nœuds effacent sa note, comme si son organisation l'avait retirée.
   *[other] Dès que { $count } organisations membres autres que l'autrice ont voté, tous les nœuds effacent sa note, comme si son organisation l'avait retirée.
}
redaction-response-author-cannot-block = L'organisation qui a répondu ne peut pas bloquer la suppression.
redaction-response-reason = Pourquoi elle met quelqu'un en danger, visible par tous les membres
redaction-response-reason-hint = Dites quel est le danger sans répéter ce qui met en danger, par exemple : sa note dit où la famille s'est mise à l'abri.
redaction-response-confirm = Voter pour supprimer cette réponse
redaction-response-refused-own = Cette réponse est celle de votre organisation : votre opérateur peut la retirer avec commons publish retract.
redaction-response-refused-voted = Votre organisation a déjà voté pour supprimer cette réponse.
redactions-title = Demandes de suppression
redactions-breadcrumb-label = Où vous êtes
redactions-intro = Des enregistrements qu'une organisation membre a demandé au réseau de supprimer parce qu'ils mettent quelqu'un en danger. Chacun demande les votes de suffisamment d'autres membres ; l'organisation qui l'a publié ne peut pas le bloquer.
redactions-open = En attente de votes
redactions-none = Aucune suppression n'est demandée.
redactions-decided = Supprimés
redactions-badge-voted = Vous avez voté
redactions-badge-redacted = Supprimé
redactions-kind-practice = Étude de cas
redactions-kind-campaign = Campagne
redactions-kind-update = Nouvelle de campagne
redactions-kind-alert = Alerte
redactions-kind-response = Réponse à une alerte
redactions-kind-profile = Profil
redactions-kind-other = Enregistrement
redactions-kind-gone = Contenu effacé
redactions-org-unknown = Une organisation que ce nœud ne connaît pas
members-redactions-open = { $count ->
    [0] Aucune suppression n'est demandée.
    [one] 1 demande attend des votes.
   *[other] { $count } demandes attendent des votes.
}
members-redactions-see = Voir les demandes
