# La página del nodo: el estado de este nodo, en palabras.
node-title = Este nodo
node-who = Quién es este nodo
node-fact-network = Red
node-fact-org = Organización
node-fact-device = Este dispositivo
node-fact-uptime = En marcha desde hace
node-fact-members = Organizaciones miembro
node-fact-version = Versión
node-device-unnamed = (sin nombre)
node-uptime-just-started = acaba de arrancar
node-uptime-minutes = { $count ->
    [one] 1 minuto
   *[other] { $count } minutos
}
node-uptime-hours = { $count ->
    [one] 1 hora
   *[other] { $count } horas
}
node-uptime-days = { $count ->
    [one] 1 día
   *[other] { $count } días
}
node-uptime-and = { $first } y { $second }

node-summary-ok = { $count ->
    [one] Todo está bien: conectado al nodo de 1 miembro y al día.
   *[other] Todo está bien: conectado a los nodos de { $count } miembros y al día.
}
node-summary-catching-up = { $count ->
    [one] Poniéndose al día: falta recibir 1 registro de los pares. Deje el nodo en marcha.
   *[other] Poniéndose al día: falta recibir { $count } registros de los pares. Deje el nodo en marcha.
}
node-summary-no-peers = No hay conectado ningún nodo de un miembro: este nodo no está intercambiando registros ahora mismo. Vea «Cuando algo va mal» más abajo.
node-summary-held = La publicación está en pausa tras una restauración: puede leer, pero todavía no publicar. Vea más abajo.
node-summary-no-network = Este nodo funciona sin red: no se conecta a los nodos de los demás miembros.
node-summary-network-failed = La parte de red del nodo dejó de responder. Vea «Cuando algo va mal» más abajo.

node-publishing = Publicación y almacenamiento
node-open-badge = Publicación: abierta
node-open = Lo que escriba aquí sale hacia la red.
node-held = La publicación está en pausa.
node-held-why = Este nodo se restauró desde una copia de seguridad. Antes de firmar nada nuevo, espera a que los pares miembros le digan lo que publicó después de esa copia, para no firmar nunca dos registros distintos con el mismo número. Mientras tanto puede leerlo todo. Se reanuda por sí solo.
node-held-progress = { $reported ->
    [0] Ningún par miembro ha respondido todavía
    [one] 1 par miembro ha respondido
   *[other] { $reported } pares miembros han respondido
}; { $waiting ->
    [0] no queda ninguno por responder.
    [one] 1 más está conectado y aún no ha respondido.
   *[other] { $waiting } más están conectados y aún no han respondido.
}
node-held-detail = Detalles para su operador
node-storage = Almacenamiento
node-storage-records = Registros guardados
node-storage-retracted = Registros retirados
node-storage-feeds = Flujos guardados
node-storage-size = Tamaño en disco
node-storage-frozen = Flujos congelados
node-decimal-mark = ,
node-size-bytes = { $size } bytes
node-size-kb = { $size } KB
node-size-mb = { $size } MB
node-size-gb = { $size } GB
node-size-tb = { $size } TB

node-peers = Pares
node-peer-count = { $count ->
    [0] No hay ningún par conectado.
    [one] 1 par conectado, { $members ->
        [one] el nodo de un miembro.
       *[other] que no es el nodo de un miembro.
    }
   *[other] { $count } pares conectados, { $members } de ellos nodos de miembros.
}
node-reach-public = Los nodos de otros miembros pueden llegar a este nodo directamente.
node-reach-relayed = Este nodo está detrás de un router: otros miembros llegan a él a través del relé de { $relays }.
node-reach-relay-unknown = un miembro
node-reach-behind-nat = Este nodo está detrás de un router y ningún relé de un miembro le reserva un lugar todavía: otros miembros solo llegan a él cuando se conecta con ellos. Quien opera el nodo puede redirigir el puerto 7411 hacia él (véase «Behind a router» en la guía de operación).
node-reach-unknown = Todavía no se sabe si otros miembros pueden llegar a este nodo directamente: sus pares aún no lo han comprobado.
node-peers-none = El nodo sigue intentando alcanzar a los pares que conoce y busca otros en la red local.
node-no-network = Este nodo funciona sin red, así que no tiene pares y no se sincroniza con nadie. Pida a su operador que lo inicie con commons node run para conectarlo con los demás miembros.
node-network-failed = La red no respondió: { $detail }
node-peer-org = Organización
node-peer-device = Nombre del dispositivo
node-peer-connected = Conectado
node-peer-last-sync = Último intercambio
node-peer-received = Registros recibidos
node-peer-not-member = No es miembro
node-peer-not-member-badge = no es miembro
node-peer-applicant = { $org }
node-peer-unknown-device = dispositivo desconocido
node-peer-not-synced = todavía no

node-feeds = Cuánto le falta a este nodo
node-feeds-what = Cada dispositivo de cada organización escribe su propia cadena de registros, un flujo. Aquí se compara lo que este nodo tiene de cada flujo con lo máximo que ha informado el nodo de algún miembro.
node-feeds-no-network = Sin red, este nodo no compara sus flujos con nadie.
node-feeds-all-caught-up = { $count ->
    [0] Todavía no hay flujos guardados ni informados.
    [one] El único flujo está al día con lo que informaron los pares.
   *[other] Los { $count } flujos están al día con lo que informaron los pares.
}
node-feeds-behind = { $records ->
    [one] Falta 1 registro
   *[other] Faltan { $records } registros
} en { $feeds } de { $total } flujos: poniéndose al día.
node-feeds-not-shown = { $count ->
    [one] 1 flujo más, al día, no aparece en la lista.
   *[other] { $count } flujos más, al día, no aparecen en la lista.
}
node-feed-held-here = Guardados aquí
node-feed-state = Estado
node-feed-held = { $count ->
    [one] 1 registro
   *[other] { $count } registros
}
node-feed-up-to-date = al día
node-feed-behind = { $count ->
    [one] falta 1 registro, poniéndose al día
   *[other] faltan { $count } registros, poniéndose al día
}
node-feed-waiting = esperando a los pares
node-feed-not-reported = ningún par lo ha informado todavía
node-feed-unknown-org = Organización desconocida
node-feed-frozen = congelado

node-wrong = Cuando algo va mal
node-advice-now = Ocurre ahora
node-advice-no-network-title = El nodo funciona sin red
node-advice-no-network = Se inició sin conectarse a los nodos de los demás miembros. Pida a su operador que lo ejecute con commons node run.
node-advice-no-peers-title = No hay pares conectados
node-advice-no-peers = Compruebe que este equipo está conectado a internet. Si lo está y no aparece ningún par en unos minutos, pida a su operador que revise las direcciones de arranque del nodo (en su config.toml) y que el cortafuegos deje pasar el puerto del nodo. Mientras tanto no se pierde nada: lo que publique espera aquí y sale cuando se conecten los pares.
node-advice-behind-title = Al nodo le falta mucho
node-advice-behind = Un nodo que estuvo apagado o sin conexión un tiempo se pone al día por sí solo. Déjelo en marcha y conectado; los números de arriba bajan a medida que llegan los registros. En una red grande puede tardar un rato.
node-advice-held-title = La publicación está en pausa
node-advice-held = Tras restaurar una copia de seguridad, el nodo espera a que los pares miembros le digan lo que publicó después de esa copia. Mientras tanto se puede leer, y la publicación se reanuda por sí sola cuando hayan respondido. Si sigue en pausa más de unos minutos con pares conectados, pida a su operador que revise commons peers y la sección de restauración de la guía de operación.
node-advice-disk-title = El disco está casi lleno
node-advice-disk = Cuando el disco se llena, el nodo deja de guardar registros nuevos, suyos y de sus pares, pero conserva todo lo que tiene y lo sigue mostrando. Pida a su operador que libere espacio o dé al nodo un disco más grande; se reanuda por sí solo y los pares vuelven a enviar los registros que faltan. Vigile el tamaño en disco indicado arriba.
node-advice-outsider-title = Un par «no es miembro»
node-advice-outsider = Es el nodo de una organización que ha solicitado unirse, o un dispositivo que la red no conoce. Este nodo solo acepta de él su solicitud y su perfil, y no le envía nada hasta que los miembros lo admitan.
node-advice-stopped-title = La red dejó de responder
node-advice-stopped = La parte del nodo que habla con los pares se detuvo. Pida a su operador que revise el registro del nodo y lo reinicie.
