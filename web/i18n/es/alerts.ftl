# Las páginas de alertas: las alertas abiertas y vencidas del Sistema de Solidaridad, una
# alerta con sus respuestas, responder, lanzar una alerta.
alerts-title = Alertas de solidaridad
alerts-lead = Cuando un miembro o su comunidad está amenazado, sale una alerta y los miembros responden. Primero las alertas abiertas, las más urgentes arriba.
alerts-raise = Lanzar una alerta
alerts-open-heading = { $count ->
    [0] Alertas abiertas
    [one] Alertas abiertas (1)
   *[other] Alertas abiertas ({ $count })
}
alerts-open-none = No hay ninguna alerta abierta en este momento.
alerts-expired-heading = { $count ->
    [0] Alertas vencidas
    [one] Alertas vencidas (1)
   *[other] Alertas vencidas ({ $count })
}
alerts-expired-none = Todavía no ha vencido ninguna alerta.
alerts-expired-show = { $count ->
    [one] Mostrar la alerta vencida
   *[other] Mostrar las { $count } alertas vencidas
}
alerts-expired-cut = Se muestran las { $count } vencidas más recientemente.
alerts-list-cut = Solo se listan las alertas más recientes de este nodo.
alerts-raised-by = lanzada por
alerts-us = nosotros
alerts-we-responded = Ya respondimos
alerts-responded-count = { $total ->
    [0] No hay otras organizaciones miembro que deban responder
   *[other] { $count } de { $total } organizaciones miembro respondieron
}
alerts-expires-in-minutes = { $count ->
    [one] Vence en 1 minuto
   *[other] Vence en { $count } minutos
}
alerts-expires-in-hours = { $count ->
    [one] Vence en 1 hora
   *[other] Vence en { $count } horas
}
alerts-expires-in-days = { $count ->
    [one] Vence en 1 día
   *[other] Vence en { $count } días
}
alerts-expired-ago = Venció { $when }

alerts-breadcrumb-label = Usted está aquí
alerts-new-title = Lanzar una alerta
alerts-new-lead = Una alerta llega a todas las organizaciones miembro a la vez. Diga qué pasó, dónde y qué pide a los miembros.
alerts-new-not-raised = La alerta no se lanzó:
alerts-field-severity = ¿Qué tan urgente es?
alerts-severity-critical-hint = Alguien corre un peligro inmediato.
alerts-severity-urgent-hint = Los miembros deberían actuar en los próximos días.
alerts-severity-watch-hint = Una situación que seguir; todavía no hace falta actuar.
alerts-field-title = Título
alerts-field-region = Región
alerts-field-region-hint = El país, la provincia o la ciudad afectada.
alerts-field-body = Qué pasó
alerts-field-body-hint = Los hechos tal como los conoce. Omita todo lo que pueda poner en peligro a las personas afectadas. Puede usar Markdown.
alerts-field-action = Acción solicitada
alerts-field-action-hint = Qué deben hacer los miembros: una declaración, cartas, llamadas a las autoridades, una visita. Puede usar Markdown.
alerts-field-hours = Abierta durante cuántas horas
alerts-field-hours-hint = Pasado ese plazo, la alerta figura como vencida. 168 horas son una semana.
alerts-new-visibility = Solo las organizaciones miembro de la red pueden ver las alertas y las respuestas.
alerts-new-submit = Lanzar la alerta
alerts-cancel = Cancelar
alerts-error-severity = Elija qué tan urgente es la alerta.
alerts-error-region = Indique a qué región se refiere la alerta.
alerts-error-title = Dé un título a la alerta.
alerts-error-too-long = El título y la región pueden tener como máximo { $max } caracteres cada uno.
alerts-error-body = Cuente qué pasó.
alerts-error-hours = Indique un número de horas entre 1 y { $max }.
alerts-done-raised = La alerta se lanzó y se envió a la red.

alerts-expired-badge = Vencida
alerts-what-happened = Qué pasó
alerts-action-requested = Acción solicitada
alerts-action-none = No se pidió ninguna acción concreta.
alerts-respond-title = Nuestra respuesta
alerts-our-response = Nuestra organización respondió:
alerts-respond-legend = ¿Cómo responde nuestra organización?
alerts-respond-again = Cambiar nuestra respuesta
alerts-response-seen = Vista
alerts-response-acting = Actuando
alerts-response-shared = Difundida
alerts-response-seen-hint = leímos la alerta
alerts-response-acting-hint = estamos realizando la acción solicitada
alerts-response-shared-hint = la pasamos a nuestros propios contactos
alerts-field-note = Nota (opcional)
alerts-field-note-hint = Por ejemplo, la carta que envió o a quién contactó.
alerts-respond-submit = Enviar nuestra respuesta
alerts-respond-closed = Esta alerta venció, así que ya no recibe respuestas.
alerts-respond-raiser = Nuestra organización emitió esta alerta, así que no responde a ella: las respuestas de las demás organizaciones miembro aparecen más abajo, en «Quién respondió».
alerts-error-response = Elija una respuesta: vista, actuando o difundida.
alerts-error-note-long = La nota puede tener como máximo { $max } caracteres.
alerts-done-responded = Nuestra respuesta se envió a la red.
alerts-responses-title = Quién respondió
alerts-not-yet-title = { $count ->
    [0] Sin responder todavía
    [one] Sin responder todavía (1)
   *[other] Sin responder todavía ({ $count })
}
alerts-not-yet-none = Todas las organizaciones miembro respondieron.
alerts-raiser-not-counted = No se cuenta la organización que lanzó la alerta.
alerts-responses-cut = Solo se buscó entre las respuestas más recientes de este nodo; puede que falten algunas más antiguas.
alerts-facts = Sobre esta alerta
alerts-fact-severity = Gravedad
alerts-fact-region = Región
alerts-fact-raised-by = Lanzada por
alerts-fact-raised = Lanzada el
alerts-fact-expires = Vence el
alerts-fact-expired = Venció el
alerts-retracted = La organización que lanzó esta alerta la retiró, así que su contenido ya no se guarda en este nodo.
alerts-redacted = Suficientes organizaciones miembro votaron que esta alerta ponía a alguien en peligro, así que su contenido ya no se guarda en este nodo ni en ningún otro.
alerts-gone-responses = Respuestas que aún se guardan aquí
alerts-gone-responses-explain = Cada respuesta pertenece a la organización que la envió, así que no se retiraron con la alerta. Si alguna también pone a alguien en peligro, pidan a los miembros que la supriman.
