# Commun à toutes les pages : navigation, avis, erreurs, dates et heures.
nav-skip = Aller au contenu
nav-label = Principale
nav-home = Accueil
nav-cases = Études de cas
nav-campaigns = Campagnes
nav-alerts = Alertes
nav-members = Membres
nav-groups = Groupes de travail
nav-node = Ce nœud
nav-language = Langue
nav-language-apply = Changer
nav-acting-for = Au nom de
nav-logout = Se déconnecter

live-new-one = Un nouvel enregistrement est arrivé.
live-new-many = De nouveaux enregistrements sont arrivés : { $count }.
live-new-alert = Une nouvelle alerte de solidarité est arrivée.
live-new-answer = Une autre organisation a répondu à notre alerte.
live-refresh = Afficher
notify-button = M’avertir des nouvelles alertes
notify-on = Ce navigateur affichera une notification à l’arrivée d’une nouvelle alerte de solidarité ou quand une autre organisation répond à l’une des nôtres, tant que Commons y est ouvert.
notify-blocked = Ce navigateur bloque les notifications de Commons. Pour les recevoir, autorisez les notifications pour cette adresse dans les paramètres du site du navigateur.

footer-text = Commons fonctionne sur le nœud de votre organisation. Tout ce que vous voyez ici a été vérifié avec la signature de son auteur.

error-back-home = Retour à l’accueil
error-store = Ce nœud n’a pas pu lire ses enregistrements. Si cela se reproduit, demandez à la personne qui gère le nœud de consulter son journal.
error-not-found = Il n’y a rien à cette adresse. Le contenu a peut-être été retiré, ou il n’est pas encore arrivé sur ce nœud.
error-not-found-title = Introuvable
form-too-large = Ce formulaire est trop volumineux pour être envoyé. Raccourcissez le texte et réessayez.
form-unreadable = Ce formulaire n’a pas pu être lu. Rechargez la page et réessayez.
form-expired = Ce formulaire a expiré. Rechargez la page et envoyez-le à nouveau.

welcome-title = Commons
welcome-intro = Voici le nœud Commons de votre organisation. Seules les personnes qui ont accès à cet ordinateur peuvent entrer.
welcome-how = Pour ouvrir l’application, lancez cette commande sur l’ordinateur où tourne le nœud, puis suivez le lien qu’elle affiche :
welcome-why = Chaque lien ne sert qu’une fois et pendant cinq minutes. Si vous ne pouvez pas lancer de commandes sur cet ordinateur, adressez-vous à la personne qui gère le nœud de votre organisation.
welcome-link-used = Ce lien a déjà servi ou a expiré. Lancez à nouveau commons open pour en obtenir un autre.
login-done-title = Vous êtes connecté·e
login-done-continue = Continuer vers Commons

publish-invalid = Le nœud a refusé ceci : { $detail }. Corrigez-le et envoyez-le à nouveau.
publish-held = Ce nœud ne peut pas encore publier : { $detail }
publish-shutdown = Le nœud s’arrête : rien n’a été publié. Réessayez quand il tournera de nouveau.
publish-failed = Rien n’a été publié : { $detail }. Réessayez ; en cas de nouvel échec, demandez qu’on consulte le journal du nœud.

severity-critical = Critique
severity-urgent = Urgente
severity-watch = Veille

tally-admit = { $count } sur { $needed } soutiens pour admettre
tally-remove = { $count } sur { $needed } votes pour retirer

month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
date-format = { $day } { $month } { $year }
datetime-format = { $date }, { $time } UTC
time-just-now = à l’instant
time-minutes-ago = { $count ->
    [one] il y a 1 minute
   *[other] il y a { $count } minutes
}
time-hours-ago = { $count ->
    [one] il y a 1 heure
   *[other] il y a { $count } heures
}
time-days-ago = { $count ->
    [one] hier
   *[other] il y a { $count } jours
}
