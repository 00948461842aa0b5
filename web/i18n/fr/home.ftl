# La page d’accueil : les nouveautés depuis la dernière visite.
home-title = Nouveautés
home-since = Depuis votre dernière visite ({ $since }).
home-since-first = Votre première visite : voici ce que le réseau a partagé ces { $count } derniers jours.
home-counts-label = Les nouveautés, en chiffres
home-count-alerts = { $count ->
    [one] alerte ouverte
   *[other] alertes ouvertes
}
home-count-cases = { $count ->
    [one] nouvelle étude de cas
   *[other] nouvelles études de cas
}
home-count-updates = { $count ->
    [one] nouvelle de campagne
   *[other] nouvelles de campagnes
}
home-count-votes = { $count ->
    [one] vote qui nous attend
   *[other] votes qui nous attendent
}
home-alerts = Alertes de solidarité ouvertes
home-alerts-none = Aucune alerte n’est ouverte. Quand un membre en lance une, elle apparaît ici en premier.
home-alerts-all = Toutes les alertes
home-ours = Nos alertes récentes
home-ours-none = Notre organisation n’a encore lancé aucune alerte.
home-votes = Votes qui attendent notre organisation
home-votes-none = Rien n’attend notre vote.
home-votes-all = Membres et votes
home-cases = Nouvelles études de cas
home-cases-none = Aucune nouvelle étude de cas depuis votre dernière visite.
home-cases-all = La bibliothèque d’études de cas
home-cases-write = Écrire une étude de cas
home-updates = Nouvelles des campagnes
home-updates-none = Aucune nouvelle de campagne depuis votre dernière visite.
home-updates-all = Toutes les campagnes
home-campaign-unknown = Une campagne pas encore arrivée sur ce nœud
home-vote-admit = { $org } demande à rejoindre le réseau
home-vote-remove = Proposition : retirer { $org }
