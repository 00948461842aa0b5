# Les pages des membres : la liste, les candidatures et les votes, la page d'une organisation, notre profil.
members-title = Membres
members-roster = Organisations membres
members-count = { $count ->
    [one] Le réseau compte 1 organisation membre.
   *[other] Le réseau compte { $count } organisations membres.
}
members-thresholds = Admettre une nouvelle organisation demande { $admit } soutiens parmi les { $members } membres ; retirer un membre demande { $remove } votes des autres.
members-edit-ours = Modifier notre profil et voir nos appareils
members-pages = Pages de la liste
members-previous = Page précédente
members-next = Page suivante
members-badge-us = Votre organisation
members-badge-founder = Fondatrice
members-badge-endorsed = Vous la soutenez
members-badge-your-vote = Attend votre vote
members-badge-voted-remove = Vous avez voté son retrait
members-working-groups = Groupes de travail
members-languages = Langues
members-devices-count = { $count ->
    [0] Aucun appareil connu ici pour l'instant
    [one] 1 appareil en service
   *[other] { $count } appareils en service
}

members-applications = Candidatures
members-applications-none = Aucune organisation n'attend de rejoindre le réseau.
members-applied-when = Candidature { $when }
members-applied-on = Candidature du { $date }
members-review-vote = Lire la candidature et voter
members-see-application = Voir la candidature
members-removals = Propositions de retrait d'un membre
members-removal-voters = Ont voté le retrait : { $orgs }
members-endorsed-by = Soutenue par : { $orgs }

members-not-member-heading = Votre organisation n'est pas encore membre
members-not-member-intro = Ce nœud appartient à { $org }, qui n'est pas encore membre de ce réseau. Tant que les membres ne l'ont pas admise, ce nœud peut partager son propre profil et sa candidature, mais il ne reçoit pas ce que les membres partagent.
members-not-member-how = Pour rejoindre le réseau, envoyez une candidature : dites qui est votre organisation et pourquoi elle demande à entrer. Les organisations membres la lisent et votent ; quand assez d'entre elles la soutiennent, votre organisation devient membre.
members-apply-button = Demander à rejoindre
members-apply-again = Envoyer une nouvelle candidature
members-check-profile = Vérifier d'abord notre profil
members-see-profile = Voir notre profil
members-own-applied = Votre organisation a posé sa candidature le { $date } :
members-own-lag = Les votes des membres n'arrivent sur ce nœud qu'une fois votre organisation admise : le décompte affiché ici peut donc être en retard.
members-applied-notice = Votre candidature a été publiée. Les organisations membres la verront la prochaine fois que leurs nœuds se connecteront à celui-ci.

members-state-member = Membre
members-state-applicant = Candidate
members-state-outsider = Non membre
members-application-heading = Candidature
members-removal-heading = Proposition de retrait de ce membre
members-position-endorsed = Votre organisation soutient cette candidature.
members-position-waiting = Votre organisation n'a pas encore voté sur cette candidature.
members-position-removing = Votre organisation a voté le retrait de ce membre.
members-profile-heading = Profil
members-no-profile = Cette organisation n'a pas encore publié de profil.
members-field-name = Nom
members-field-country = Pays
members-field-region = Région
members-field-website = Site web
members-field-description = Ce que fait l'organisation
members-org-id = Identifiant de l'organisation :
members-devices-heading = Appareils
members-devices-none = Aucun appareil de cette organisation n'est encore parvenu à ce nœud.
members-this-device = Cet appareil
members-revoked = Révoqué
members-device-revoked = refusé à partir de l'enregistrement { $count }
members-device-records = { $count ->
    [0] aucun enregistrement conservé ici
    [one] 1 enregistrement conservé ici
   *[other] { $count } enregistrements conservés ici
}

members-removal-offer-heading = Si cette organisation doit quitter le réseau
members-removal-how = { $needed ->
    [one] Retirer un membre demande le vote d'une autre organisation membre.
   *[other] Retirer un membre demande les votes de { $needed } autres organisations membres.
} Une confirmation vous sera demandée, et ce qu'elle a déjà publié reste.
members-vote-heading = Le vote de votre organisation
members-vote-hint = Chaque vote est signé par votre organisation. Une confirmation vous sera demandée.
members-button-admit = Soutenir l'admission
members-button-remove = Proposer le retrait
members-button-withdraw = Retirer notre vote
members-vote-title = Voter
members-vote-now = Actuellement : { $tally }.
members-vote-signed = Ce vote est signé par votre organisation et ne peut pas être annulé, seulement modifié par un vote ultérieur.
members-vote-cancel = Annuler
members-vote-admit-title = Soutenir l'admission de { $org } ?
members-vote-admit-consequence = Admettre { $org } permet à ses appareils de publier sur tout le réseau et de lire les enregistrements réservés aux membres. Elle devient membre dès que { $needed } organisations membres l'ont soutenue.
members-vote-admit-decides = Votre soutien complète la décision : { $org } devient membre dès sa publication.
members-vote-admit-button = Soutenir l'admission
members-vote-remove-title = Voter le retrait de { $org } ?
members-vote-remove-consequence = Retirer { $org } coupe ses appareils du réseau : ils ne peuvent plus y publier ni lire les enregistrements réservés aux membres. Ce qu'elle a déjà publié reste. Elle est retirée dès que { $needed } des autres organisations membres ont voté en ce sens.
members-vote-remove-decides = Votre vote complète la décision : { $org } est retirée dès sa publication.
members-vote-remove-button = Voter le retrait
members-vote-withdraw-title = Retirer votre vote sur { $org } ?
members-vote-withdraw-endorsement = Le soutien de votre organisation à { $org } ne comptera plus pour son admission. Vous pourrez la soutenir à nouveau plus tard.
members-vote-withdraw-removal = Le vote de votre organisation pour le retrait de { $org } ne comptera plus. Vous pourrez voter à nouveau plus tard.
members-vote-withdraw-button = Retirer notre vote
members-vote-bad-choice = L'application ne connaît pas ce vote. Revenez à la page de l'organisation et utilisez ses boutons.
members-vote-not-member = Seules les organisations membres votent. Votre organisation pourra voter une fois admise.
members-vote-already-member = { $org } est déjà membre.
members-vote-unknown = { $org } n'a pas demandé à rejoindre le réseau : il n'y a rien à soutenir.
members-vote-already-endorsed = Votre organisation soutient déjà { $org }.
members-vote-not-ourselves = Votre organisation ne peut pas voter son propre retrait.
members-vote-not-a-member = { $org } n'est pas membre : elle ne peut pas être retirée.
members-vote-already-removing = Votre organisation a déjà voté le retrait de { $org }.
members-vote-nothing-to-withdraw = Votre organisation n'a aucun vote sur { $org } à retirer.
members-notice-endorsed = Votre soutien a été publié. Actuellement : { $tally }.
members-notice-admitted = Votre soutien a été publié, et { $org } est désormais membre du réseau.
members-notice-remove-voted = Votre vote a été publié. Actuellement : { $tally }.
members-notice-removed = Votre vote a été publié, et { $org } n'est plus membre du réseau.
members-notice-withdrawn = Votre vote a été retiré. Actuellement : { $tally }.

members-apply-title = Demander à rejoindre
members-apply-lead = Les organisations membres lisent votre candidature avec le profil de votre organisation avant de voter. Envoyer ce formulaire publie les deux, signés par votre organisation.
members-apply-who = Qui est votre organisation
members-apply-who-new = Votre organisation n'a pas encore de profil : sans lui, les membres ne verraient qu'un code court au lieu de son nom. Ces informations sont publiées comme son profil avec la candidature ; vous pourrez ajouter plus tard son site web, ses groupes de travail et ses langues sur la page du profil.
members-apply-who-from-profile = Rempli d'après le dernier profil de votre organisation. Si vous changez quelque chose ici, une nouvelle version du profil est publiée avec la candidature ; son site web, ses groupes de travail et ses langues restent tels quels.
members-apply-name = Nom de votre organisation
members-apply-description-hint = Quelques phrases : ce que fait votre organisation, pour qui et où.
members-apply-statement = Pourquoi votre organisation demande à rejoindre le réseau
members-apply-statement-hint = Qui vous êtes, où vous travaillez, ce que vous apporteriez au réseau et ce que vous en attendez.
members-apply-signed = La candidature est signée par votre organisation et ne peut pas être annulée ; vous pourrez en envoyer une nouvelle plus tard.
members-apply-send = Envoyer la candidature
members-apply-statement-missing = Écrivez quelques mots sur votre organisation et sur les raisons de sa candidature.
members-apply-statement-long = Le texte est trop long : écrivez au plus { $count } caractères.

members-profile-title = Notre profil
members-profile-intro = Toutes les organisations membres voient ce profil. L'enregistrer en publie une nouvelle version, signée par votre organisation.
members-profile-none-yet = Votre organisation n'a pas encore publié de profil : les membres ne voient que son nom.
members-profile-edit = Modifier le profil
members-field-region-hint = Par exemple : Afrique de l'Est, Asie du Sud-Est, région andine.
members-field-list-hint = Séparez-les par des virgules, par exemple : Logement, Terre, Contentieux stratégique.
members-field-languages-hint = Les langues de travail de votre organisation, séparées par des virgules.
members-profile-public = Le profil est visible par tous les membres du réseau.
members-profile-save = Publier le profil
members-profile-saved = Votre profil a été publié. Les membres le verront à mesure que leurs nœuds se mettent à jour.
members-profile-name-missing = Indiquez le nom de votre organisation.
members-profile-too-long = Un champ est trop long : écrivez au plus { $max } caractères pour le nom, le pays, la région et le site web.
members-profile-description-long = La description est trop longue : écrivez au plus { $count } caractères.
members-profile-website-bad = Le site web doit être une adresse commençant par https:// ou http://.
members-devices-change = Ajouter ou révoquer un appareil
members-devices-root-key = Ajouter ou révoquer un appareil demande la clé racine de votre organisation, qui reste hors ligne sur la machine de votre opérateur et n'entre jamais dans ce nœud. Donnez à votre opérateur la commande ci-dessous ; il l'exécute là où se trouve la clé racine.
members-devices-add-heading = Ajouter un appareil
members-devices-add-how = Cette commande crée un dossier pour le nouvel appareil (un ordinateur portable, un second serveur). Copiez-le sur l'appareil et lancez-y le nœud : il rejoint le réseau comme l'un des appareils de votre organisation.
members-devices-sample-label = portable de terrain
members-devices-revoke-heading = Révoquer un appareil perdu ou saisi
members-devices-revoke-how = Les enregistrements d'un appareil révoqué sont refusés partout à partir du numéro d'enregistrement indiqué. Chaque commande ci-dessous ne refuse que ce que l'appareil produira désormais ; s'il a été pris plus tôt, votre opérateur utilise le numéro qui suit le dernier enregistrement auquel vous vous fiez.
members-devices-revoke-none = Il n'y a pas d'autre appareil à révoquer.
members-devices-revoke-this = Cet appareil ({ $device }) ne peut pas se révoquer lui-même : révoquez-le depuis un autre appareil de votre organisation.
