# Las páginas de campañas: la lista, la página de una campaña con sus novedades, iniciar una.
campaigns-title = Campañas
campaigns-lead = Las campañas las lleva una coalición de miembros: una organización líder y sus socias, con objetivos y una serie de novedades.
campaigns-start = Iniciar una campaña
campaigns-tabs-label = Qué campañas
campaigns-tab-ours = { $count ->
    [one] Nuestras (1)
   *[other] Nuestras ({ $count })
}
campaigns-tab-partner = En las que participamos ({ $count })
campaigns-tab-all = Todas ({ $count })
campaigns-empty-ours = Nuestra organización todavía no lidera ninguna campaña.
campaigns-empty-partner = Todavía ninguna campaña incluye a nuestra organización como socia.
campaigns-empty-all = Todavía no ha llegado ninguna campaña a este nodo.
campaigns-see-all = Ver todas las campañas
campaigns-led-by = Liderada por
campaigns-with = con
campaigns-goal-count = { $count ->
    [0] Sin objetivos
    [one] 1 objetivo
   *[other] { $count } objetivos
}
campaigns-started-on = iniciada el { $date }
campaigns-latest-update = última novedad el { $date }
campaigns-no-update-yet = sin novedades todavía
campaigns-list-cut = Se muestran las { $count } campañas más recientes de este nodo.

campaigns-status-planning = En preparación
campaigns-status-active = Activa
campaigns-status-paused = En pausa
campaigns-status-won = Lograda
campaigns-status-closed = Cerrada

campaigns-breadcrumb-label = Usted está aquí
campaigns-new-title = Iniciar una campaña
campaigns-new-lead = Nuestra organización la liderará. Las organizaciones socias también podrán publicar novedades.
campaigns-new-not-started = La campaña no se inició:
campaigns-field-title = Título
campaigns-field-goals = Objetivos
campaigns-field-goals-hint = Un objetivo por línea, por ejemplo «Una moratoria de los desalojos hasta la audiencia».
campaigns-field-partners = Organizaciones socias
campaigns-field-partners-hint = Organizaciones miembro que llevan esta campaña con nosotros.
campaigns-field-partners-none = Todavía no hay otras organizaciones miembro.
campaigns-field-status = Estado
campaigns-new-visibility = Solo las organizaciones miembro de la red pueden ver las campañas.
campaigns-new-submit = Iniciar la campaña
campaigns-cancel = Cancelar
campaigns-error-title = Dé un título a la campaña.
campaigns-error-title-long = El título es demasiado largo: como máximo { $max } caracteres.
campaigns-error-goals = Demasiados objetivos: indique como máximo { $max }.
campaigns-done-started = La campaña se inició y se compartió con la red.

campaigns-goals = Objetivos
campaigns-goals-none = No se indicaron objetivos.
campaigns-updates = Novedades
campaigns-updates-none = Todavía no hay novedades.
campaigns-updates-cut = Solo se buscó entre las novedades más recientes de este nodo; puede que falten algunas más antiguas.
campaigns-us = nosotros
campaigns-status-now = nuevo estado:
campaigns-update-outsider = Publicada por una organización ajena a la coalición de esta campaña.
campaigns-coalition = Coalición
campaigns-lead-org = Organización líder
campaigns-partners = Socias
campaigns-partners-none = Ninguna
campaigns-started = Inicio
campaigns-role-lead = Lideramos esta campaña
campaigns-role-partner = Somos organización socia
campaigns-post-title = Publicar una novedad
campaigns-field-update = Qué hay de nuevo
campaigns-field-update-hint = Una fecha de audiencia, un logro, un revés, un llamado a la acción. Puede usar Markdown.
campaigns-field-new-status = Estado
campaigns-status-unchanged = Sin cambios (sigue { $status })
campaigns-post-submit = Publicar la novedad
campaigns-post-coalition-only = Solo la organización líder y sus socias publican novedades de esta campaña.
campaigns-error-update-body = Escriba la novedad antes de publicarla.
campaigns-error-not-coalition = Solo la organización líder y sus socias pueden publicar novedades de esta campaña.
campaigns-done-update = Su novedad se publicó.
campaigns-retracted = Su organización retiró esta campaña, así que su contenido ya no se guarda en este nodo.
campaigns-redacted = Suficientes organizaciones miembro votaron que esta campaña ponía a alguien en peligro, así que su contenido ya no se guarda en este nodo ni en ningún otro.
campaigns-gone-updates = Actualizaciones que aún se guardan aquí
campaigns-gone-updates-explain = Cada actualización pertenece a la organización que la publicó, así que no se retiraron con la campaña. Si alguna también pone a alguien en peligro, pidan a los miembros que la supriman.

# Editar una de las nuestras, y su historial.
campaigns-edit-action = Editar esta campaña
campaigns-edit-title = Editar la campaña
campaigns-edit-back = Esta campaña
campaigns-edit-lead = Corrija el título, los objetivos, los socios o el estado. Publicar firma una nueva versión en nombre de nuestra organización; los nodos de los miembros la muestran en lugar de la actual, y todas las versiones anteriores quedan en el historial.
campaigns-edit-submit = Publicar la nueva versión
campaigns-edit-not-published = No se publicó la nueva versión:
campaigns-edit-unchanged = No se cambió nada, así que no se publicó ninguna versión nueva. Cambie algo o pulse Cancelar.
campaigns-edit-not-ours = Solo la organización que dirige una campaña puede editarla. Los socios pueden publicar actualizaciones en ella.
campaigns-done-edited = Se publicó la nueva versión. Los nodos de los demás miembros la muestran en lugar de la anterior a medida que se sincronizan.
campaigns-edited-when = editada el { $when }
campaigns-history-link = { $count ->
    [one] historial
   *[other] historial de { $count } versiones
}
