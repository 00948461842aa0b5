# Las páginas de miembros: la lista, las solicitudes y los votos, la página de una organización, nuestro perfil.
members-title = Miembros
members-roster = Organizaciones miembro
members-count = { $count ->
    [one] La red tiene 1 organización miembro.
   *[other] La red tiene { $count } organizaciones miembro.
}
members-thresholds = Admitir una nueva organización requiere { $admit } respaldos de los { $members } miembros; retirar a un miembro requiere { $remove } votos de los demás.
members-edit-ours = Editar nuestro perfil y ver nuestros dispositivos
members-pages = Páginas de la lista
members-previous = Página anterior
members-next = Página siguiente
members-badge-us = Su organización
members-badge-founder = Fundadora
members-badge-endorsed = Respaldada por ustedes
members-badge-your-vote = Espera su voto
members-badge-voted-remove = Ustedes votaron por su retiro
members-working-groups = Grupos de trabajo
members-languages = Idiomas
members-devices-count = { $count ->
    [0] Ningún dispositivo conocido aquí todavía
    [one] 1 dispositivo en uso
   *[other] { $count } dispositivos en uso
}

members-applications = Solicitudes
members-applications-none = Ninguna organización está esperando para unirse.
members-applied-when = Solicitó { $when }
members-applied-on = Solicitó el { $date }
members-review-vote = Leer la solicitud y votar
members-see-application = Ver la solicitud
members-removals = Propuestas para retirar a un miembro
members-removal-voters = Votaron por retirarla: { $orgs }
members-endorsed-by = La respaldan: { $orgs }

members-not-member-heading = Su organización todavía no es miembro
members-not-member-intro = Este nodo pertenece a { $org }, que todavía no es miembro de esta red. Hasta que los miembros la admitan, este nodo puede compartir su propio perfil y su solicitud, pero no recibe lo que comparten los miembros.
members-not-member-how = Para unirse, envíe una solicitud: diga quién es su organización y por qué pide unirse. Las organizaciones miembro la leen y votan; cuando suficientes la respaldan, su organización pasa a ser miembro.
members-apply-button = Solicitar el ingreso
members-apply-again = Enviar una nueva solicitud
members-check-profile = Revisar primero nuestro perfil
members-see-profile = Ver nuestro perfil
members-own-applied = Su organización presentó su solicitud el { $date }:
members-own-lag = Los votos de los miembros solo llegan a este nodo cuando su organización ha sido admitida, así que el recuento que se ve aquí puede estar atrasado.
members-applied-notice = Su solicitud se publicó. Las organizaciones miembro la verán la próxima vez que sus nodos se conecten a este.

members-state-member = Miembro
members-state-applicant = Solicita unirse
members-state-outsider = No es miembro
members-application-heading = Solicitud
members-removal-heading = Propuesta para retirar a este miembro
members-position-endorsed = Su organización ha respaldado esta solicitud.
members-position-waiting = Su organización todavía no ha votado sobre esta solicitud.
members-position-removing = Su organización ha votado por retirar a este miembro.
members-profile-heading = Perfil
members-no-profile = Esta organización todavía no ha publicado un perfil.
members-field-name = Nombre
members-field-country = País
members-field-region = Región
members-field-website = Sitio web
members-field-description = Qué hace la organización
members-org-id = Identificador de la organización:
members-devices-heading = Dispositivos
members-devices-none = Ningún dispositivo de esta organización ha llegado todavía a este nodo.
members-this-device = Este dispositivo
members-revoked = Revocado
members-device-revoked = rechazado a partir del registro { $count }
members-device-records = { $count ->
    [0] ningún registro guardado aquí
    [one] 1 registro guardado aquí
   *[other] { $count } registros guardados aquí
}

members-removal-offer-heading = Si esta organización debe dejar la red
members-removal-how = { $needed ->
    [one] Retirar a un miembro requiere el voto de otra organización miembro.
   *[other] Retirar a un miembro requiere los votos de { $needed } otras organizaciones miembro.
} Se le pedirá que lo confirme, y lo que ya haya publicado se conserva.
members-vote-heading = El voto de su organización
members-vote-hint = Cada voto lleva la firma de su organización. Se le pedirá que lo confirme.
members-button-admit = Respaldar la admisión
members-button-remove = Proponer su retiro
members-button-withdraw = Retirar nuestro voto
members-vote-title = Votar
members-vote-now = Ahora: { $tally }.
members-vote-signed = Este voto lleva la firma de su organización y no se puede anular; solo puede cambiarse con un voto posterior.
members-vote-cancel = Cancelar
members-vote-admit-title = ¿Respaldar la admisión de { $org }?
members-vote-admit-consequence = Admitir a { $org } permite que sus dispositivos publiquen en toda la red y lean los registros compartidos solo con los miembros. Pasa a ser miembro cuando { $needed } organizaciones miembro la hayan respaldado.
members-vote-admit-decides = Su respaldo completa la decisión: { $org } pasa a ser miembro en cuanto se publique.
members-vote-admit-button = Respaldar la admisión
members-vote-remove-title = ¿Votar por retirar a { $org }?
members-vote-remove-consequence = Retirar a { $org } deja fuera a sus dispositivos: ya no podrán publicar en la red ni leer los registros compartidos solo con los miembros. Lo que ya publicó se conserva. Queda retirada cuando { $needed } de las demás organizaciones miembro hayan votado en ese sentido.
members-vote-remove-decides = Su voto completa la decisión: { $org } queda retirada en cuanto se publique.
members-vote-remove-button = Votar por retirarla
members-vote-withdraw-title = ¿Retirar su voto sobre { $org }?
members-vote-withdraw-endorsement = El respaldo de su organización a { $org } dejará de contar para su admisión. Podrá volver a respaldarla más adelante.
members-vote-withdraw-removal = El voto de su organización por retirar a { $org } dejará de contar. Podrá volver a votar más adelante.
members-vote-withdraw-button = Retirar nuestro voto
members-vote-bad-choice = La aplicación no reconoce este voto. Vuelva a la página de la organización y use sus botones.
members-vote-not-member = Solo votan las organizaciones miembro. Su organización podrá votar cuando sea admitida.
members-vote-already-member = { $org } ya es miembro.
members-vote-unknown = { $org } no ha solicitado unirse, así que no hay nada que respaldar.
members-vote-already-endorsed = Su organización ya respaldó a { $org }.
members-vote-not-ourselves = Su organización no puede votar por retirarse a sí misma.
members-vote-not-a-member = { $org } no es miembro, así que no se la puede retirar.
members-vote-already-removing = Su organización ya votó por retirar a { $org }.
members-vote-nothing-to-withdraw = Su organización no tiene ningún voto sobre { $org } que retirar.
members-notice-endorsed = Su respaldo se publicó. Ahora: { $tally }.
members-notice-admitted = Su respaldo se publicó y { $org } ya es miembro de la red.
members-notice-remove-voted = Su voto se publicó. Ahora: { $tally }.
members-notice-removed = Su voto se publicó y { $org } ya no es miembro de la red.
members-notice-withdrawn = Su voto se retiró. Ahora: { $tally }.

members-apply-title = Solicitar el ingreso
members-apply-lead = Las organizaciones miembro leen su solicitud junto con el perfil de su organización antes de votar. Al enviar este formulario se publican ambos, con la firma de su organización.
members-apply-who = Quién es su organización
members-apply-who-new = Su organización todavía no tiene perfil: sin él, los miembros verían solo un código corto en lugar de su nombre. Estos datos se publican como su perfil junto con la solicitud; más adelante podrá añadir su sitio web, grupos de trabajo e idiomas en la página del perfil.
members-apply-who-from-profile = Rellenado con el último perfil de su organización. Si cambia algo aquí, se publica una nueva versión del perfil con la solicitud; su sitio web, grupos de trabajo e idiomas no cambian.
members-apply-name = Nombre de su organización
members-apply-description-hint = Unas frases: qué hace su organización, para quién y dónde.
members-apply-statement = Por qué su organización pide unirse
members-apply-statement-hint = Quiénes son, dónde trabajan y qué aportarían a la red y esperan de ella.
members-apply-signed = La solicitud lleva la firma de su organización y no se puede anular; podrá enviar otra más adelante.
members-apply-send = Enviar la solicitud
members-apply-statement-missing = Escriba unas palabras sobre su organización y por qué pide unirse.
members-apply-statement-long = El texto es demasiado largo: escriba como máximo { $count } caracteres.

members-profile-title = Nuestro perfil
members-profile-intro = Todas las organizaciones miembro ven este perfil. Al guardarlo se publica una nueva versión, firmada por su organización.
members-profile-none-yet = Su organización todavía no ha publicado un perfil: los miembros solo ven su nombre.
members-profile-edit = Editar el perfil
members-field-region-hint = Por ejemplo: África Oriental, Sudeste Asiático, región andina.
members-field-list-hint = Sepárelos con comas, por ejemplo: Vivienda, Tierra, Litigio estratégico.
members-field-languages-hint = Los idiomas en que trabaja su organización, separados por comas.
members-profile-public = El perfil es visible para todos los miembros de la red.
members-profile-save = Publicar el perfil
members-profile-saved = Su perfil se publicó. Los miembros lo verán a medida que sus nodos se pongan al día.
members-profile-name-missing = Indique el nombre de su organización.
members-profile-too-long = Un campo es demasiado largo: escriba como máximo { $max } caracteres en el nombre, el país, la región y el sitio web.
members-profile-description-long = La descripción es demasiado larga: escriba como máximo { $count } caracteres.
members-profile-website-bad = El sitio web debe ser una dirección que empiece por https:// o http://.
members-devices-change = Añadir o revocar un dispositivo
members-devices-root-key = Añadir o revocar un dispositivo requiere la clave raíz de su organización, que se guarda sin conexión en el equipo de su operador y nunca entra en este nodo. Dé a su operador la orden de abajo; la ejecuta donde está la clave raíz.
members-devices-add-heading = Añadir un dispositivo
members-devices-add-how = Esto crea una carpeta para el nuevo dispositivo (un portátil, un segundo servidor). Cópiela al dispositivo e inicie allí el nodo; se une como uno de los dispositivos de su organización.
members-devices-sample-label = portátil de campo
members-devices-revoke-heading = Revocar un dispositivo perdido o incautado
members-devices-revoke-how = Los registros de un dispositivo revocado se rechazan en todas partes a partir del número de registro indicado. Cada orden de abajo rechaza solo lo que el dispositivo haga de ahora en adelante; si se lo llevaron antes, su operador usa el número siguiente al último registro en el que confían.
members-devices-revoke-none = No hay otro dispositivo que revocar.
members-devices-revoke-this = Este dispositivo ({ $device }) no puede revocarse a sí mismo: revóquelo desde otro dispositivo de su organización.
