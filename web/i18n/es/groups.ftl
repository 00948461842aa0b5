# Grupos de trabajo.
groups-title = Grupos de trabajo
groups-intro = Los registros de un grupo de trabajo se sellan para los dispositivos de sus organizaciones miembro: los nodos de los demás miembros los guardan y los transmiten sin poder leerlos.
groups-none = Este nodo aún no conoce ningún grupo de trabajo. Quien opera el nodo puede crear uno con `commons groups create`.
groups-member-count = { $count ->
    [one] 1 organización miembro
   *[other] { $count } organizaciones miembro
}
groups-ours = Su organización es miembro
groups-members = Organizaciones miembro
groups-member-since = desde el { $date }
groups-records = Registros del grupo
groups-records-none = Todavía no se ha publicado nada en este grupo.
groups-byline = { $org }, { $date }
groups-byline-outside = { $org } (no es miembro del grupo ahora), { $date }
groups-unknown-org = una organización que este nodo no conoce
groups-sealed = Sellado
groups-sealed-not-ours = No se puede leer aquí: se selló antes de que su organización entrara en el grupo, después de que saliera, o antes de que este dispositivo pudiera recibir la clave del grupo.
groups-sealed-waiting = Todavía no se puede leer: su clave no ha llegado a este nodo. Suele llegar en menos de un minuto.
groups-sealed-broken = No se puede leer: no se abre con la clave del grupo. Puede haber sido alterado.
groups-write = Escribir al grupo
groups-write-hint = Solo las organizaciones miembro de este grupo pueden leer lo que publique aquí. Todo lo demás es visible para todos los miembros: que su organización publicó, cuándo y qué extensión tiene.
groups-not-ours = Su organización no es miembro de este grupo, así que no puede publicar aquí ni leer lo que se publique a partir de ahora. Pida a uno de sus miembros que la invite.
groups-field-title = Título
groups-field-summary = Resumen
groups-field-body = Texto
groups-publish = Publicar en el grupo
groups-published = Publicado en el grupo.
groups-not-found = Este nodo no conoce ese grupo de trabajo. Puede que aún no haya llegado a este nodo.
groups-form-missing = Dé al registro un título y un texto.
groups-form-too-long = El texto es demasiado largo para un solo registro: divídalo en partes.
groups-form-not-member = Su organización ya no es miembro de este grupo.
groups-publish-failed = No se publicó: { $detail }
