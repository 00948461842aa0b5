# La página de inicio: lo nuevo desde la última visita.
home-title = Novedades
home-since = Desde su última visita ({ $since }).
home-since-first = Es su primera visita: esto es lo que la red compartió en los últimos { $count } días.
home-counts-label = Las novedades, en cifras
home-count-alerts = { $count ->
    [one] alerta abierta
   *[other] alertas abiertas
}
home-count-cases = { $count ->
    [one] estudio de caso nuevo
   *[other] estudios de caso nuevos
}
home-count-updates = { $count ->
    [one] novedad de campaña
   *[other] novedades de campañas
}
home-count-votes = { $count ->
    [one] voto pendiente de nosotros
   *[other] votos pendientes de nosotros
}
home-alerts = Alertas de solidaridad abiertas
home-alerts-none = No hay ninguna alerta abierta. Cuando un miembro lance una, aparecerá aquí primero.
home-alerts-all = Todas las alertas
home-ours = Nuestras alertas recientes
home-ours-none = Nuestra organización todavía no ha lanzado ninguna alerta.
home-votes = Votos pendientes de nuestra organización
home-votes-none = Nada espera nuestro voto.
home-votes-all = Miembros y votaciones
home-cases = Estudios de caso nuevos
home-cases-none = No hay estudios de caso nuevos desde su última visita.
home-cases-all = La biblioteca de estudios de caso
home-cases-write = Escribir un estudio de caso
home-updates = Novedades de campañas
home-updates-none = No hay novedades de campañas desde su última visita.
home-updates-all = Todas las campañas
home-campaign-unknown = Una campaña que aún no llegó a este nodo
home-vote-admit = { $org } pide unirse
home-vote-remove = Propuesta: retirar a { $org }
