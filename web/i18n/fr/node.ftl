# La page du nœud : l'état de ce nœud, en mots.
node-title = Ce nœud
node-who = Qui est ce nœud
node-fact-network = Réseau
node-fact-org = Organisation
node-fact-device = Cet appareil
node-fact-uptime = En marche depuis
node-fact-members = Organisations membres
node-fact-version = Version
node-device-unnamed = (sans nom)
node-uptime-just-started = il vient de démarrer
node-uptime-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
node-uptime-hours = { $count ->
    [one] 1 heure
   *[other] { $count } heures
}
node-uptime-days = { $count ->
    [one] 1 jour
   *[other] { $count } jours
}
node-uptime-and = { $first } et { $second }

node-summary-ok = { $count ->
    [one] Tout va bien : connecté au nœud d'un membre et à jour.
   *[other] Tout va bien : connecté aux nœuds de { $count } membres et à jour.
}
node-summary-catching-up = { $count ->
    [one] Rattrapage en cours : il reste 1 enregistrement à recevoir des pairs. Laissez le nœud tourner.
   *[other] Rattrapage en cours : il reste { $count } enregistrements à recevoir des pairs. Laissez le nœud tourner.
}
node-summary-no-peers = Aucun nœud d'un membre n'est connecté : ce nœud n'échange pas d'enregistrements en ce moment. Voir « En cas de problème » plus bas.
node-summary-held = La publication est suspendue après une restauration : vous pouvez lire, mais pas encore publier. Voir plus bas.
node-summary-no-network = Ce nœud fonctionne sans réseau : il ne se connecte pas aux nœuds des autres membres.
node-summary-network-failed = La partie réseau du nœud ne répond plus. Voir « En cas de problème » plus bas.

node-publishing = Publication et stockage
node-open-badge = Publication : ouverte
node-open = Ce que vous écrivez ici part vers le réseau.
node-held = La publication est suspendue.
node-held-why = Ce nœud a été restauré depuis une sauvegarde. Avant de signer quoi que ce soit, il attend que les pairs membres lui disent ce qu'il a publié après cette sauvegarde, afin de ne jamais signer deux enregistrements différents sous le même numéro. Vous pouvez tout lire en attendant. La publication reprend d'elle-même.
node-held-progress = { $reported ->
    [0] Aucun pair membre n'a encore répondu
    [one] 1 pair membre a répondu
   *[other] { $reported } pairs membres ont répondu
} ; { $waiting ->
    [0] aucun autre n'est en attente de réponse.
    [one] 1 autre est connecté et n'a pas encore répondu.
   *[other] { $waiting } autres sont connectés et n'ont pas encore répondu.
}
node-held-detail = Détails pour votre opérateur
node-storage = Stockage
node-storage-records = Enregistrements conservés
node-storage-retracted = Enregistrements retirés
node-storage-feeds = Flux conservés
node-storage-size = Taille sur le disque
node-storage-frozen = Flux gelés
node-decimal-mark = ,
node-size-bytes = { $size } octets
node-size-kb = { $size } Ko
node-size-mb = { $size } Mo
node-size-gb = { $size } Go
node-size-tb = { $size } To

node-peers = Pairs
node-peer-count = { $count ->
    [0] Aucun pair n'est connecté.
    [one] 1 pair connecté, { $members ->
        [one] le nœud d'un membre.
       *[other] qui n'est pas le nœud d'un membre.
    }
   *[other] { $count } pairs connectés, dont { $members } nœuds de membres.
}
node-reach-public = Les nœuds des autres membres peuvent joindre ce nœud directement.
node-reach-relayed = Ce nœud est derrière un routeur : les autres membres le joignent par le relais de { $relays }.
node-reach-relay-unknown = un membre
node-reach-behind-nat = Ce nœud est derrière un routeur, et aucun relais d'un membre ne lui réserve encore de place : les autres membres ne le joignent que lorsqu'il se connecte à eux. La personne qui l'administre peut rediriger le port 7411 vers lui (voir « Behind a router » dans le guide d'exploitation).
node-reach-unknown = On ne sait pas encore si les autres membres peuvent joindre ce nœud directement : ses pairs ne l'ont pas encore vérifié.
node-peers-none = Le nœud continue d'essayer de joindre les pairs qu'il connaît et en cherche d'autres sur le réseau local.
node-no-network = Ce nœud fonctionne sans réseau : il n'a donc aucun pair et ne se synchronise avec personne. Demandez à votre opérateur de le lancer avec commons node run pour le relier aux autres membres.
node-network-failed = Le réseau n'a pas répondu : { $detail }
node-peer-org = Organisation
node-peer-device = Nom de l'appareil
node-peer-connected = Connecté
node-peer-last-sync = Dernier échange
node-peer-received = Enregistrements reçus
node-peer-not-member = Non membre
node-peer-not-member-badge = non membre
node-peer-applicant = { $org }
node-peer-unknown-device = appareil inconnu
node-peer-not-synced = pas encore

node-feeds = Le retard de ce nœud
node-feeds-what = Chaque appareil de chaque organisation écrit sa propre chaîne d'enregistrements, un flux. On compare ici ce que ce nœud détient de chaque flux avec le plus qu'a signalé le nœud d'un membre.
node-feeds-no-network = Sans réseau, ce nœud ne compare ses flux avec personne.
node-feeds-all-caught-up = { $count ->
    [0] Aucun flux conservé ni signalé pour l'instant.
    [one] L'unique flux est à jour par rapport à ce que les pairs ont signalé.
   *[other] Les { $count } flux sont à jour par rapport à ce que les pairs ont signalé.
}
node-feeds-behind = { $records ->
    [one] 1 enregistrement de retard
   *[other] { $records } enregistrements de retard
} sur { $feeds } des { $total } flux : rattrapage en cours.
node-feeds-not-shown = { $count ->
    [one] 1 autre flux, à jour, n'est pas affiché.
   *[other] { $count } autres flux, à jour, ne sont pas affichés.
}
node-feed-held-here = Conservés ici
node-feed-state = État
node-feed-held = { $count ->
    [one] 1 enregistrement
   *[other] { $count } enregistrements
}
node-feed-up-to-date = à jour
node-feed-behind = { $count ->
    [one] 1 enregistrement de retard, rattrapage en cours
   *[other] { $count } enregistrements de retard, rattrapage en cours
}
node-feed-waiting = en attente des pairs
node-feed-not-reported = aucun pair ne l'a encore signalé
node-feed-unknown-org = Organisation inconnue
node-feed-frozen = gelé

node-wrong = En cas de problème
node-advice-now = En ce moment
node-advice-no-network-title = Le nœud fonctionne sans réseau
node-advice-no-network = Il a été lancé sans se connecter aux nœuds des autres membres. Demandez à votre opérateur de le lancer avec commons node run.
node-advice-no-peers-title = Aucun pair n'est connecté
node-advice-no-peers = Vérifiez que cet ordinateur est connecté à internet. S'il l'est et qu'aucun pair n'apparaît au bout de quelques minutes, demandez à votre opérateur de vérifier les adresses d'amorçage du nœud (dans son config.toml) et que le pare-feu laisse passer le port du nœud. Rien n'est perdu en attendant : ce que vous publiez attend ici et part dès que des pairs se connectent.
node-advice-behind-title = Le nœud a beaucoup de retard
node-advice-behind = Un nœud resté éteint ou hors ligne un moment rattrape son retard tout seul. Laissez-le tourner et connecté ; les chiffres ci-dessus baissent à mesure que les enregistrements arrivent. Dans un grand réseau, cela peut prendre un moment.
node-advice-held-title = La publication est suspendue
node-advice-held = Après la restauration d'une sauvegarde, le nœud attend que les pairs membres lui disent ce qu'il a publié après cette sauvegarde. La lecture fonctionne en attendant, et la publication reprend d'elle-même une fois qu'ils ont répondu. Si elle reste suspendue plus de quelques minutes alors que des pairs sont connectés, demandez à votre opérateur de vérifier commons peers et la section sur la restauration du guide d'exploitation.
node-advice-disk-title = Le disque est presque plein
node-advice-disk = Quand le disque est plein, le nœud cesse de conserver les nouveaux enregistrements, les vôtres comme ceux de vos pairs, mais garde tout ce qu'il a et continue de l'afficher. Demandez à votre opérateur de libérer de l'espace ou de donner au nœud un disque plus grand ; il reprend tout seul, et les pairs renvoient les enregistrements manquants. Surveillez la taille sur le disque indiquée plus haut.
node-advice-outsider-title = Un pair est « non membre »
node-advice-outsider = C'est le nœud d'une organisation qui a demandé à rejoindre le réseau, ou un appareil que le réseau ne connaît pas. Ce nœud n'accepte de lui que sa candidature et son profil, et ne lui envoie rien tant que les membres ne l'ont pas admis.
node-advice-stopped-title = Le réseau ne répond plus
node-advice-stopped = La partie du nœud qui communique avec les pairs s'est arrêtée. Demandez à votre opérateur de consulter le journal du nœud et de le redémarrer.
