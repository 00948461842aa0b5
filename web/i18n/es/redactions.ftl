# Supresión por voto de los miembros: el panel de un estudio de caso, la página del voto, la lista.
redaction-panel-title = Seguridad
redaction-tally = { $votes } de { $needed } { $needed ->
    [one] voto necesario
   *[other] votos necesarios
} para suprimirlo
redaction-request-action = Pedir su supresión…
redaction-vote-action = Votar por su supresión…
redaction-hint = Si este estudio de caso pone a alguien en peligro y su organización no puede o no quiere retirarlo, cualquier miembro puede pedir a la red que lo suprima.
redaction-hint-asked = Un miembro pidió a la red suprimir este estudio de caso. Lea las razones; si está de acuerdo, añada el voto de su organización.
redaction-hint-voted = Su organización votó por suprimirlo. Su contenido se borra en todos los nodos cuando voten suficientes miembros.
redaction-hint-ours = Los miembros pueden pedir a la red que suprima un estudio de caso que pone a alguien en peligro. Si está de acuerdo con una petición, retírelo usted: es más rápido.
redaction-page-title = Suprimir este estudio de caso
redaction-what = Suprimirlo por voto significa:
redaction-needed = { $count ->
    [one] Cuando haya votado 1 organización miembro distinta de la autora, todos los nodos borran su contenido, como si su organización lo hubiera retirado. También se borran sus archivos.
   *[other] Cuando hayan votado { $count } organizaciones miembro distintas de la autora, todos los nodos borran su contenido, como si su organización lo hubiera retirado. También se borran sus archivos.
}
redaction-author-cannot-block = La organización que lo publicó no puede bloquear la supresión.
redaction-vote-signed = Su voto se firma en nombre de su organización, todos los miembros lo ven con su razón, y no se puede retirar.
redaction-reason = Por qué pone a alguien en peligro, visible para todos los miembros
redaction-reason-hint = Diga cuál es el peligro sin repetir lo que pone en peligro, por ejemplo: nombra a un testigo que ha sido amenazado.
redaction-reason-empty = Dé una razón, en pocas palabras: los demás miembros deciden sobre ella.
redaction-confirm = Votar por suprimirlo
redaction-cancel = Volver sin votar
redaction-refused-own = Este estudio de caso es de su organización: retírelo desde su página.
redaction-refused-not-member = Solo las organizaciones miembro pueden votar por suprimir un registro, y la suya no es miembro ahora.
redaction-refused-voted = Su organización ya votó por suprimir este estudio de caso.
redaction-done-voted = Su voto fue publicado. Los demás miembros ven la petición en esta página y en Miembros, a medida que sus nodos se sincronizan.
redaction-done-redacted = Su voto era el último necesario: todos los nodos borran el contenido a medida que el voto les llega.
redaction-redacted-title = Este estudio de caso fue suprimido
redaction-redacted-by = Suprimido por voto de los miembros
redaction-redacted-author = publicado por
redaction-redacted-reason = La razón dada
redaction-redacted-explain = Suficientes organizaciones miembro votaron que ponía a alguien en peligro. Su contenido y sus archivos ya no se guardan en este nodo ni en ningún otro; solo queda el hecho firmado de que existió, y los votos.
# La supresión de una novedad de campaña: las palabras difieren de las de un estudio de caso en otros idiomas.
redaction-update-tally = { $votes } de { $needed } { $needed ->
    [one] voto necesario
   *[other] votos necesarios
} para suprimir esta novedad
redaction-update-request-action = Pedir la supresión de esta novedad…
redaction-update-vote-action = Votar por suprimir esta novedad…
redaction-update-voted = Su organización votó por suprimir esta novedad.
redaction-update-hint = Si una novedad pone a alguien en peligro y su organización no puede o no quiere retirarla, cualquier miembro puede pedir a la red que la suprima.
redaction-update-page-title = Suprimir esta novedad de campaña
redaction-update-of = Novedad de { $campaign }
redaction-update-of-gone = Actualización de una campaña que fue retirada
redaction-update-what = Suprimirla por voto significa:
redaction-update-needed = { $count ->
    [one] Cuando haya votado 1 organización miembro distinta de la autora, todos los nodos borran su texto, como si su organización la hubiera retirado.
   *[other] Cuando hayan votado { $count } organizaciones miembro distintas de la autora, todos los nodos borran su texto, como si su organización la hubiera retirado.
}
redaction-update-author-cannot-block = La organización que la publicó no puede bloquear la supresión.
redaction-update-reason = Por qué pone a alguien en peligro, visible para todos los miembros
redaction-update-reason-hint = Diga cuál es el peligro sin repetir lo que pone en peligro, por ejemplo: da la dirección donde se aloja la familia de un defensor detenido.
redaction-update-confirm = Votar por suprimir esta novedad
redaction-update-refused-own = Esta novedad es de su organización: su operador puede retirarla con commons publish retract.
redaction-update-refused-voted = Su organización ya votó por suprimir esta novedad.
# La supresión de una alerta.
redaction-alert-tally = { $votes } de { $needed } { $needed ->
    [one] voto necesario
   *[other] votos necesarios
} para suprimir esta alerta
redaction-alert-hint = Si esta alerta pone a alguien en peligro y su organización no puede o no quiere retirarla, cualquier miembro puede pedir a la red que la suprima.
redaction-alert-hint-asked = Un miembro pidió a la red suprimir esta alerta. Lea las razones; si está de acuerdo, añada el voto de su organización.
redaction-alert-hint-voted = Su organización votó por suprimirla. Su contenido se borra en todos los nodos cuando voten suficientes miembros.
redaction-alert-hint-ours = Los miembros pueden pedir a la red que suprima una alerta que pone a alguien en peligro. Si está de acuerdo con una petición, retírela usted: su operador puede hacerlo con commons publish retract.
redaction-alert-page-title = Suprimir esta alerta
redaction-alert-what = Suprimirla por voto significa:
redaction-alert-needed = { $count ->
    [one] Cuando haya votado 1 organización miembro distinta de la autora, todos los nodos borran su contenido, como si su organización la hubiera retirado.
   *[other] Cuando hayan votado { $count } organizaciones miembro distintas de la autora, todos los nodos borran su contenido, como si su organización la hubiera retirado.
}
redaction-alert-author-cannot-block = La organización que la lanzó no puede bloquear la supresión.
redaction-alert-reason = Por qué pone a alguien en peligro, visible para todos los miembros
redaction-alert-reason-hint = Diga cuál es el peligro sin repetir lo que pone en peligro, por ejemplo: dice dónde se esconde un defensor que huyó.
redaction-alert-confirm = Votar por suprimir esta alerta
redaction-alert-refused-own = Esta alerta es de su organización: su operador puede retirarla con commons publish retract.
redaction-alert-refused-voted = Su organización ya votó por suprimir esta alerta.
# La supresión de una campaña.
redaction-campaign-tally = { $votes } de { $needed } { $needed ->
    [one] voto necesario
   *[other] votos necesarios
} para suprimir esta campaña
redaction-campaign-hint = Si esta campaña pone a alguien en peligro y su organización no puede o no quiere retirarla, cualquier miembro puede pedir a la red que la suprima, con todas sus versiones.
redaction-campaign-hint-asked = Un miembro pidió a la red suprimir esta campaña. Lea las razones; si está de acuerdo, añada el voto de su organización.
redaction-campaign-hint-voted = Su organización votó por suprimirla. Su contenido se borra en todos los nodos cuando voten suficientes miembros.
redaction-campaign-hint-ours = Los miembros pueden pedir a la red que suprima una campaña que pone a alguien en peligro. Si está de acuerdo con una petición, retírela usted: su operador puede hacerlo con commons publish retract.
redaction-campaign-page-title = Suprimir esta campaña
redaction-campaign-what = Suprimirla por voto significa:
redaction-campaign-needed = { $count ->
    [one] Cuando haya votado 1 organización miembro distinta de la autora, todos los nodos borran su contenido y el de todas sus versiones, como si su organización la hubiera retirado. Sus novedades se quedan.
   *[other] Cuando hayan votado { $count } organizaciones miembro distintas de la autora, todos los nodos borran su contenido y el de todas sus versiones, como si su organización la hubiera retirado. Sus novedades se quedan.
}
redaction-campaign-author-cannot-block = La organización que la lidera no puede bloquear la supresión.
redaction-campaign-reason = Por qué pone a alguien en peligro, visible para todos los miembros
redaction-campaign-reason-hint = Diga cuál es el peligro sin repetir lo que pone en peligro, por ejemplo: sus objetivos nombran a defensores detenidos cuyas familias pidieron silencio.
redaction-campaign-confirm = Votar por suprimir esta campaña
redaction-campaign-refused-own = Esta campaña es de su organización: su operador puede retirarla con commons publish retract.
redaction-campaign-refused-voted = Su organización ya votó por suprimir esta campaña.
# La supresión de un perfil.
redaction-profile-tally = { $votes } de { $needed } { $needed ->
    [one] voto necesario
   *[other] votos necesarios
} para suprimir este perfil
redaction-profile-hint = Si este perfil pone a alguien en peligro y su organización no puede o no quiere retirarlo, cualquier miembro puede pedir a la red que lo suprima, con todas sus versiones.
redaction-profile-hint-asked = Un miembro pidió a la red suprimir este perfil. Lea las razones; si está de acuerdo, añada el voto de su organización.
redaction-profile-hint-voted = Su organización votó por suprimirlo. Su contenido se borra en todos los nodos cuando voten suficientes miembros.
redaction-profile-hint-ours = Los miembros pueden pedir a la red que suprima un perfil que pone a alguien en peligro. Si está de acuerdo con una petición, retírelo usted: su operador puede hacerlo con commons publish retract.
redaction-profile-page-title = Suprimir este perfil
redaction-profile-of = Perfil de { $org }
redaction-profile-what = Suprimirlo por voto significa:
redaction-profile-needed = { $count ->
    [one] Cuando haya votado 1 organización miembro distinta de la autora, todos los nodos borran su contenido y el de todas sus versiones, como si su organización lo hubiera retirado. La organización sigue siendo miembro; si publicó un perfil anterior, se muestra en su lugar.
   *[other] Cuando hayan votado { $count } organizaciones miembro distintas de la autora, todos los nodos borran su contenido y el de todas sus versiones, como si su organización lo hubiera retirado. La organización sigue siendo miembro; si publicó un perfil anterior, se muestra en su lugar.
}
redaction-profile-author-cannot-block = La organización que describe no puede bloquear la supresión.
redaction-profile-reason = Por qué pone a alguien en peligro, visible para todos los miembros
redaction-profile-reason-hint = Diga cuál es el peligro sin repetir lo que pone en peligro, por ejemplo: su descripción da el pueblo de una coordinadora a la que están siguiendo.
redaction-profile-confirm = Votar por suprimir este perfil
redaction-profile-refused-own = Este perfil es de su organización: su operador puede retirarlo con commons publish retract, y luego usted puede escribir uno nuevo desde la página del perfil de su organización.
redaction-profile-refused-voted = Su organización ya votó por suprimir este perfil.
# La supresión de una respuesta a una alerta.
redaction-response-tally = { $votes } de { $needed } { $needed ->
    [one] voto necesario
   *[other] votos necesarios
} para suprimir esta respuesta
redaction-response-request-action = Pedir la supresión de esta respuesta…
redaction-response-vote-action = Votar por suprimir esta respuesta…
redaction-response-voted = Su organización votó por suprimir esta respuesta.
redaction-response-hint = Si una respuesta pone a alguien en peligro y su organización no puede o no quiere retirarla, cualquier miembro puede pedir a la red que la suprima.
redaction-response-page-title = Suprimir esta respuesta a una alerta
redaction-response-of = Respuesta a { $alert }
redaction-response-of-gone = Respuesta a una alerta que fue retirada
redaction-response-what = Suprimirla por voto significa:
redaction-response-needed = { $count ->
    [one] Cuando haya votado 1 organización miembro distinta de la autora, todos los nodos borran su nota, como si su organización la hubiera retirado.
   *[other] Cuando hayan votado { $count } organizaciones miembro distintas de la autora, todos los nodos borran su nota, como si su organización la hubiera retirado.
}
redaction-response-author-cannot-block = La organización que respondió no puede bloquear la supresión.
redaction-response-reason = Por qué pone a alguien en peligro, visible para todos los miembros
redaction-response-reason-hint = Diga cuál es el peligro sin repetir lo que pone en peligro, por ejemplo: su nota dice dónde se refugia la familia.
redaction-response-confirm = Votar por suprimir esta respuesta
redaction-response-refused-own = Esta respuesta es de su organización: su operador puede retirarla con commons publish retract.
redaction-response-refused-voted = Su organización ya votó por suprimir esta respuesta.
redactions-title = Peticiones de supresión
redactions-breadcrumb-label = Dónde está
redactions-intro = Registros que una organización miembro pidió suprimir porque ponen a alguien en peligro. Cada uno necesita los votos de suficientes miembros más; la organización que lo publicó no puede bloquearlo.
redactions-open = Esperando votos
redactions-none = No se está pidiendo ninguna supresión.
redactions-decided = Suprimidos
redactions-badge-voted = Usted votó
redactions-badge-redacted = Suprimido
redactions-kind-practice = Estudio de caso
redactions-kind-campaign = Campaña
redactions-kind-update = Novedad de campaña
redactions-kind-alert = Alerta
redactions-kind-response = Respuesta a una alerta
redactions-kind-profile = Perfil
redactions-kind-other = Registro
redactions-kind-gone = Contenido borrado
redactions-org-unknown = Una organización que este nodo no conoce
members-redactions-open = { $count ->
    [0] No se está pidiendo ninguna supresión.
    [one] 1 petición espera votos.
   *[other] { $count } peticiones esperan votos.
}
members-redactions-see = Ver las peticiones
