# Les pages des alertes : les alertes ouvertes et expirées du Système de solidarité, une
# alerte avec ses réponses, répondre, lancer une alerte.
alerts-title = Alertes de solidarité
alerts-lead = Quand un membre ou sa communauté est menacé, une alerte part et les membres répondent. Les alertes ouvertes d’abord, les plus urgentes en haut.
alerts-raise = Lancer une alerte
alerts-open-heading = { $count ->
    [0] Alertes ouvertes
    [one] Alertes ouvertes (1)
   *[other] Alertes ouvertes ({ $count })
}
alerts-open-none = Aucune alerte n’est ouverte en ce moment.
alerts-expired-heading = { $count ->
    [0] Alertes expirées
    [one] Alertes expirées (1)
   *[other] Alertes expirées ({ $count })
}
alerts-expired-none = Aucune alerte n’a encore expiré.
alerts-expired-show = { $count ->
    [one] Afficher l’alerte expirée
   *[other] Afficher les { $count } alertes expirées
}
alerts-expired-cut = Voici les { $count } expirées le plus récemment.
alerts-list-cut = Seules les alertes les plus récentes de ce nœud sont listées.
alerts-raised-by = lancée par
alerts-us = nous
alerts-we-responded = Nous avons répondu
alerts-responded-count = { $total ->
    [0] Aucune autre organisation membre à qui répondre
   *[other] { $count } sur { $total } organisations membres ont répondu
}
alerts-expires-in-minutes = { $count ->
    [one] Expire dans 1 minute
   *[other] Expire dans { $count } minutes
}
alerts-expires-in-hours = { $count ->
    [one] Expire dans 1 heure
   *[other] Expire dans { $count } heures
}
alerts-expires-in-days = { $count ->
    [one] Expire dans 1 jour
   *[other] Expire dans { $count } jours
}
alerts-expired-ago = Expirée { $when }

alerts-breadcrumb-label = Vous êtes ici
alerts-new-title = Lancer une alerte
alerts-new-lead = Une alerte parvient à toutes les organisations membres à la fois. Dites ce qui s’est passé, où, et ce que vous demandez aux membres.
alerts-new-not-raised = L’alerte n’a pas été lancée :
alerts-field-severity = Quelle est l’urgence ?
alerts-severity-critical-hint = Quelqu’un est en danger immédiat.
alerts-severity-urgent-hint = Les membres devraient agir dans les jours qui viennent.
alerts-severity-watch-hint = Une situation à suivre ; pas encore d’action nécessaire.
alerts-field-title = Titre
alerts-field-region = Région
alerts-field-region-hint = Le pays, la province ou la ville concernés.
alerts-field-body = Ce qui s’est passé
alerts-field-body-hint = Les faits tels que vous les connaissez. Omettez tout ce qui pourrait mettre en danger les personnes concernées. Vous pouvez utiliser Markdown.
alerts-field-action = Action demandée
alerts-field-action-hint = Ce que les membres devraient faire : une déclaration, des lettres, des appels aux autorités, une visite. Vous pouvez utiliser Markdown.
alerts-field-hours = Ouverte pendant combien d’heures
alerts-field-hours-hint = Passé ce délai, l’alerte est listée comme expirée. 168 heures font une semaine.
alerts-new-visibility = Seules les organisations membres du réseau voient les alertes et les réponses.
alerts-new-submit = Lancer l’alerte
alerts-cancel = Annuler
alerts-error-severity = Choisissez le degré d’urgence de l’alerte.
alerts-error-region = Indiquez la région que concerne l’alerte.
alerts-error-title = Donnez un titre à l’alerte.
alerts-error-too-long = Le titre et la région ont chacun { $max } caractères au plus.
alerts-error-body = Dites ce qui s’est passé.
alerts-error-hours = Indiquez un nombre d’heures entre 1 et { $max }.
alerts-done-raised = L’alerte a été lancée et envoyée au réseau.

alerts-expired-badge = Expirée
alerts-what-happened = Ce qui s’est passé
alerts-action-requested = Action demandée
alerts-action-none = Aucune action particulière n’a été demandée.
alerts-respond-title = Notre réponse
alerts-our-response = Notre organisation a répondu :
alerts-respond-legend = Comment notre organisation répond-elle ?
alerts-respond-again = Changer notre réponse
alerts-response-seen = Vue
alerts-response-acting = En action
alerts-response-shared = Relayée
alerts-response-seen-hint = nous avons lu l’alerte
alerts-response-acting-hint = nous menons l’action demandée
alerts-response-shared-hint = nous l’avons transmise à nos propres contacts
alerts-field-note = Note (facultative)
alerts-field-note-hint = Par exemple, la lettre envoyée ou les personnes contactées.
alerts-respond-submit = Envoyer notre réponse
alerts-respond-closed = Cette alerte a expiré : elle ne reçoit plus de réponses.
alerts-respond-raiser = Notre organisation a lancé cette alerte : elle n'y répond donc pas. Les réponses des autres organisations membres apparaissent plus bas, sous « Qui a répondu ».
alerts-error-response = Choisissez une réponse : vue, en action ou relayée.
alerts-error-note-long = La note a { $max } caractères au plus.
alerts-done-responded = Notre réponse a été envoyée au réseau.
alerts-responses-title = Qui a répondu
alerts-not-yet-title = { $count ->
    [0] Pas encore de réponse
    [one] Pas encore de réponse (1)
   *[other] Pas encore de réponse ({ $count })
}
alerts-not-yet-none = Toutes les organisations membres ont répondu.
alerts-raiser-not-counted = L’organisation qui a lancé l’alerte n’est pas comptée.
alerts-responses-cut = Seules les réponses les plus récentes de ce nœud ont été parcourues ; certaines plus anciennes peuvent manquer.
alerts-facts = À propos de cette alerte
alerts-fact-severity = Gravité
alerts-fact-region = Région
alerts-fact-raised-by = Lancée par
alerts-fact-raised = Lancée le
alerts-fact-expires = Expire le
alerts-fact-expired = Expirée le
alerts-retracted = L’organisation qui a lancé cette alerte l’a retirée ; son contenu n’est donc plus conservé sur ce nœud.
alerts-redacted = Suffisamment d’organisations membres ont voté que cette alerte mettait quelqu’un en danger ; son contenu n’est donc plus conservé sur ce nœud ni sur aucun autre.
alerts-gone-responses = Réponses encore conservées ici
alerts-gone-responses-explain = Chaque réponse appartient à l’organisation qui l’a envoyée : elles n’ont donc pas été retirées avec l’alerte. Si l’une d’elles met aussi quelqu’un en danger, demandez aux membres de la supprimer.
