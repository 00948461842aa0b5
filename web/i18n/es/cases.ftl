# Estudios de caso: la biblioteca, un estudio de caso, escribir uno, retirar uno.
cases-title = Estudios de caso
cases-lead = Lo que hicieron las organizaciones miembro, en qué contexto y qué pueden reutilizar otras. Los más recientes primero.
cases-write = Escribir un estudio de caso
cases-write-first = Escribir el primer estudio de caso
cases-breadcrumb-label = Está aquí
cases-back = Volver a los estudios de caso

## La búsqueda y los filtros de la biblioteca
cases-filters-label = Buscar y filtrar estudios de caso
cases-search-label = Buscar
cases-search-hint = Deben aparecer todas las palabras, o una forma de ellas (desalojos encuentra desalojo); basta con el comienzo de una palabra (desalo encuentra desalojo).
cases-search-button = Buscar
cases-search-no-words = Escriba al menos una palabra con letras o cifras.
cases-search-too-long = Esta búsqueda es demasiado larga. Busque menos palabras (16 como máximo).
cases-filter-theme = Tema
cases-filter-any-theme = Cualquier tema
cases-filter-region = Región
cases-filter-any-region = Cualquier región
cases-filter-language = Idioma
cases-filter-any-language = Cualquier idioma
cases-filter-org = Organización
cases-filter-any-org = Cualquier organización
cases-filter-org-unknown = Este nodo no conoce la organización de este filtro. Elija una organización de la lista.
cases-filter-since = Publicados desde
cases-filter-since-bad = Esto no es una fecha. Elija una en el calendario o deje el campo vacío.
cases-filters-clear = Quitar todos los filtros
cases-fix-filters = Corrija la búsqueda de arriba para ver estudios de caso.
cases-results = Resultados
cases-count = { $count ->
    [one] Un estudio de caso, el más reciente primero.
   *[other] { $count } estudios de caso, los más recientes primero.
}
cases-count-matching = { $count ->
    [one] Un estudio de caso coincide.
   *[other] { $count } estudios de caso coinciden.
}
cases-count-more = Los más antiguos están en la página siguiente.
cases-none-match = Ningún estudio de caso de este nodo coincide.
cases-none-match-hint = Pruebe con menos palabras o más cortas, otro tema u otra región, o una fecha anterior.
cases-none-older = No hay estudios de caso más antiguos.
cases-none-yet = Todavía no ha llegado ningún estudio de caso a este nodo. Los que publiquen los miembros aparecerán aquí a medida que su nodo se sincronice.
cases-stopped-early = { $count ->
    [one] Esta página se detuvo tras revisar un estudio de caso.
   *[other] Esta página se detuvo tras revisar { $count } estudios de caso sin llenarse. Puede que otros más antiguos coincidan: siga en la página siguiente.
}
cases-pager-label = Páginas
cases-pager-newest = ← Volver a los más recientes
cases-pager-older = Estudios de caso más antiguos →
cases-members-only = Solo miembros

## Un estudio de caso
cases-by = De
cases-about = Sobre este estudio de caso
cases-org = Organización
cases-ours = Nuestro
cases-org-not-member = Ya no es miembro
cases-published = Publicado
cases-visibility = Quién puede leerlo
cases-visibility-members = Solo las organizaciones miembro
cases-visibility-public = Público: las organizaciones miembro y cualquiera a quien la red permita leer
cases-themes = Temas
cases-regions = Regiones
cases-language = Idioma
cases-licence = Licencia
cases-not-given = No indicado
cases-links = Material complementario
cases-links-hidden = { $count ->
    [one] Un enlace no se muestra porque no es una dirección web.
   *[other] { $count } enlaces no se muestran porque no son direcciones web.
}
cases-provenance = Quién lo firmó
cases-signed-by = Dispositivo firmante
cases-device-revoked = Su organización revocó después este dispositivo
cases-signature = Firma
cases-signature-ok-badge = Válida
cases-signature-ok = comprobada de nuevo el { $when }.
cases-signature-bad-badge = No se verifica
cases-signature-bad = La firma de este estudio de caso ya no se verifica: la copia de este nodo está dañada o fue alterada. No confíe en ella y pida a su operador que restaure el nodo desde una copia de seguridad.
cases-record-id = Registro
cases-ours-title = Estudio de caso de nuestra organización
cases-ours-hint = Si pone a alguien en peligro o contiene errores, puede retirarlo: todos los nodos eliminan entonces su contenido.
cases-retract-action = Retirar…
cases-done-published = Su estudio de caso se ha publicado. Los nodos de los demás miembros lo recibirán al sincronizarse.
cases-done-retracted = El estudio de caso se ha retirado. Cada nodo elimina su contenido en cuanto le llega la retirada.

## Un estudio de caso retirado
cases-retracted-title = Este estudio de caso fue retirado
cases-retracted-by = Retirado por su organización,
cases-retracted-by-unknown = Su organización lo retiró.
cases-retracted-reason = Su motivo
cases-retracted-no-reason = No dieron ningún motivo, o su retirada aún no ha llegado a este nodo.
cases-retracted-explain = Su contenido ya no se conserva en este nodo ni en ningún otro; solo queda la constancia firmada de que existió y de que fue retirado.
cases-retracted-published = Se publicó por primera vez el { $date }.

## Escribir un estudio de caso
cases-new-title = Escribir un estudio de caso
cases-new-lead = Cuente a los demás miembros qué hizo su organización, en qué contexto, frente a qué problema, qué ocurrió y qué pueden reutilizar. No se publica nada hasta que pulse Publicar.
cases-form-has-errors = Todavía no se ha publicado nada. Corrija los campos señalados abajo; todo lo que escribió se conserva.
cases-field-title = Título
cases-field-summary = Resumen (opcional)
cases-field-summary-hint = Dos o tres frases que la biblioteca muestra bajo el título.
cases-field-body = El estudio de caso
cases-field-body-hint = Una línea en blanco empieza un párrafo nuevo. Empiece una línea con ## para un título, o con - para un elemento de lista. Ponga **dos asteriscos** alrededor de las palabras para la negrita, *uno* para la cursiva. Escriba [palabras](https://…) para enlazar palabras a una dirección web. Las imágenes no se muestran.
cases-field-tags-used = Usados en la red:
cases-field-themes = Temas
cases-field-themes-other = Otros temas
cases-field-themes-hint = Sepárelos con comas, por ejemplo: vivienda, derecho a la tierra.
cases-field-regions = Regiones
cases-field-regions-other = Otras regiones
cases-field-regions-hint = Sepárelas con comas, por ejemplo: África Oriental, Kenia.
cases-field-language = Escrito en
cases-field-licence = Licencia
cases-field-licence-hint = CC-BY-4.0 permite que otros lo reutilicen si citan a su organización.
cases-field-links = Enlaces (opcional)
cases-field-links-hint = Una dirección web por línea, que empiece por https://
cases-field-visibility = Quién puede leerlo
cases-visibility-members-choice = Solo miembros
cases-visibility-members-explain = Solo las organizaciones miembro de la red pueden leerlo. Queda fuera de los archivos públicos.
cases-visibility-public-choice = Público
cases-visibility-public-explain = Las organizaciones miembro y cualquiera a quien la red permita leer: puede copiarse en archivos públicos que usan investigadores.
cases-preview-button = Vista previa
cases-publish-button = Publicar
cases-cancel = Cancelar
cases-publish-hint = Al publicar, el estudio de caso se firma en nombre de su organización y se envía a todos los miembros. Puede retirarlo más tarde, pero las copias ya leídas no se pueden recuperar.
cases-preview-note = Vista previa: así lo verán los miembros. Todavía no está publicado.
cases-preview-untitled = (Aún sin título)
cases-preview-edit = Editar abajo
cases-error-title-empty = Dé un título al estudio de caso.
cases-error-title-long = { $count ->
    [one] El título es demasiado largo: un carácter como máximo.
   *[other] El título es demasiado largo: { $count } caracteres como máximo.
}
cases-error-summary-long = { $count ->
    [one] El resumen es demasiado largo: un carácter como máximo.
   *[other] El resumen es demasiado largo: { $count } caracteres como máximo. Pase el resto al propio estudio de caso.
}
cases-error-body-empty = Escriba el estudio de caso propiamente dicho.
cases-error-too-big = El estudio de caso ocupa { $size } KB; en un registro caben como máximo { $max } KB. Acórtelo, o publique el informe completo en línea y añada su enlace.
cases-error-too-many-tags = Ha indicado { $count }; caben como máximo { $max }. Quédese con los más importantes.
cases-error-tag-too-long = «{ $tag }» es demasiado largo para un tema o una región. Use un nombre más corto.
cases-error-language = Elija el idioma en que está escrito el estudio de caso.
cases-error-licence = La licencia es demasiado larga: indique su nombre corto, como CC-BY-4.0.
cases-error-links-many = { $count ->
    [one] Cabe un enlace como máximo.
   *[other] Caben { $count } enlaces como máximo.
}
cases-error-link = «{ $link }» no es una dirección web. Cada línea debe empezar por https:// o http://

## Retirar uno de los nuestros
cases-retract-title = Retirar este estudio de caso
cases-retract-what = Retirarlo significa que:
cases-retract-drop = Todos los nodos de la red, incluido este, eliminan su contenido en cuanto les llega la retirada. Ya nadie podrá leerlo en Commons.
cases-retract-permanent = La retirada se firma en nombre de su organización y es definitiva: no se puede deshacer, y los miembros verán que lo retiró, con su motivo.
cases-retract-copies = Las copias que alguien ya haya guardado o impreso fuera de Commons no se pueden recuperar.
cases-retract-reason = Motivo, visible para todos los miembros
cases-retract-reason-hint = Bastan unas palabras, por ejemplo: las personas nombradas corren peligro.
cases-retract-reason-empty = Indique un motivo en unas palabras: los miembros lo verán en lugar del estudio de caso.
cases-retract-reason-long = { $count ->
    [one] El motivo es demasiado largo: un carácter como máximo.
   *[other] El motivo es demasiado largo: { $count } caracteres como máximo.
}
cases-retract-confirm = Retirar definitivamente
cases-retract-cancel = Mantenerlo publicado
cases-retract-not-ours = Solo la organización que publicó un estudio de caso puede retirarlo. Si cree que este debería retirarse, pídaselo a través de su página en Miembros.

## Editar uno de los nuestros
cases-edit-action = Editar
cases-edit-hint = Editar publica una nueva versión: los miembros la ven en lugar de esta, y las versiones anteriores quedan en su historial.
cases-edit-title = Editar el caso
cases-edit-back = Este caso
cases-edit-lead = Corrija lo que haga falta. Nada cambia hasta que pulse «Publicar la nueva versión»: entonces se firma en nombre de su organización, los nodos de los miembros la muestran en lugar de la actual y todas las versiones anteriores quedan en el historial.
cases-edit-publish-button = Publicar la nueva versión
cases-edit-publish-hint = La nueva versión se firma en nombre de su organización y se envía a todos los miembros. Las versiones anteriores siguen legibles en el historial: para retirar el caso por completo, retírelo en su lugar.
cases-edit-unchanged = No se cambió nada, así que no se publicó ninguna versión nueva. Cambie algo o pulse Cancelar.
cases-edit-not-ours = Solo la organización que publicó un caso puede editarlo. Si algo en él es incorrecto, dígaselo a través de su página en Miembros.
cases-done-edited = Se publicó la nueva versión. Los nodos de los demás miembros la muestran en lugar de la anterior a medida que se sincronizan.
cases-edited-on = editado el { $date }
cases-edited-when = editado el { $when }
cases-last-edited = Última edición
cases-history-see = Ver todas las versiones
cases-history-link = { $count ->
    [one] historial
   *[other] historial de { $count } versiones
}

## El historial de un caso o de una campaña
history-title = Historial
history-heading = Historial de «{ $title }»
history-breadcrumb-label = Usted está aquí
history-lead = { $count ->
    [one] Una versión, publicada una vez y nunca editada.
   *[other] { $count } versiones, la más reciente primero. Cada una indica qué cambió respecto a la anterior.
}
history-original = Primera versión
history-version = Versión { $count }
history-shown = Se muestra ahora
history-device = firmada por
history-original-explain = Publicada como
history-no-change = En esta versión no cambió nada de lo que se muestra.
history-changed = Qué cambió:
history-before = Antes
history-after = Después
history-empty = (vacío)
history-added = Añadido
history-removed = Quitado
history-line-added = Línea añadida
history-line-removed = Línea quitada
history-diff-label = Cambios en { $field }
history-lines-skipped = { $count ->
    [one] … una línea sin cambios …
   *[other] … { $count } líneas sin cambios …
}
history-diff-cut = Este cambio es demasiado largo para mostrarlo entero; las líneas de arriba son su comienzo.
history-back = Volver a la versión actual
history-field-title = Título
history-field-summary = Resumen
history-field-body = Texto
history-field-themes = Temas
history-field-regions = Regiones
history-field-language = Idioma
history-field-licence = Licencia
history-field-links = Enlaces
history-field-visibility = Quién puede leerlo
history-field-attachments = Archivos
history-field-goals = Objetivos
history-field-partners = Socios
history-field-status = Estado

## Archivos adjuntos a un caso
cases-files-title = Archivos
cases-files-legend = Archivos (opcional)
cases-files-choose = Adjuntar archivos
cases-files-hint = Informes, fotos, testimonios, hojas de cálculo: hasta { $max } MB cada uno, 32 archivos como máximo. Llegan a los miembros con el caso, y solo a los miembros si el caso es solo para miembros.
cases-files-upload = Subir los archivos elegidos
cases-files-remove = Quitar
cases-files-remove-hint = Un archivo marcado «Quitar» se deja fuera al previsualizar, subir o publicar.
cases-files-too-large = «{ $name }» supera los { $max } MB, el archivo más grande que acepta este nodo. No se adjuntó y no se publicó nada: redúzcalo, o póngalo en línea y añada su enlace.
cases-files-empty = «{ $name }» está vacío. No se adjuntó.
cases-files-disk-full = «{ $name }» no se adjuntó: el disco de este nodo está demasiado lleno. Pida a su operador que libere espacio y vuelva a adjuntarlo.
cases-files-failed = «{ $name }» no se pudo adjuntar ({ $detail }). Inténtelo de nuevo; si sigue fallando, avise a su operador.
cases-files-upload-cut = La subida se detuvo antes de terminar. No se publicó nada; vuelva a adjuntar el archivo.
cases-files-too-many-at-once = { $count ->
    [one] Adjunte los archivos de uno en uno.
   *[other] Adjunte como máximo { $count } archivos a la vez; los demás no se tomaron. Súbalos a continuación.
}
cases-files-too-many = { $count ->
    [one] Un caso lleva como máximo un archivo.
   *[other] Un caso lleva como máximo { $count } archivos. Quite algunos antes de publicar.
}
cases-files-bytes = { $count ->
    [one] 1 byte
   *[other] { $count } bytes
}
cases-files-kb = { $count } KB
cases-files-mb = { $whole },{ $tenth } MB
cases-files-fetching = descargando { $count } %
cases-files-not-here = Aún no está en este nodo: se obtiene de un miembro que lo tiene.
cases-files-not-here-large = Aún no está en este nodo: es grande, así que solo se obtiene cuando alguien lo pide.
cases-files-fetch = Obtener
cases-files-unreadable = Este archivo no se pudo leer del disco de este nodo. Pida a su operador que mire el registro del nodo.
cases-files-no-network = Este nodo no está conectado a la red, así que ahora no se puede obtener el archivo.
cases-files-fetch-failed = No se pudo pedir el archivo ({ $detail }). Inténtelo de nuevo en un momento.
cases-done-fetching = El archivo se está obteniendo de los miembros que lo tienen. Recargue esta página para ver cuánto lleva.
cases-edit-link = Editar este caso
cases-visibility-group-choice = Grupo de trabajo: { $group }
cases-visibility-group-explain = Solo los dispositivos de las organizaciones miembro del grupo pueden leerlo: se cifra para ellos, y los demás nodos lo guardan y lo transmiten sin leerlo. Aparece en la página del grupo, no en la biblioteca.
cases-group-no-files = Todavía no se pueden enviar archivos a un grupo de trabajo: sus bytes viajarían sin cifrar. Quítelos o elija otro público.
