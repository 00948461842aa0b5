# Compartido por todas las páginas: navegación, avisos, errores, fechas y horas.
nav-skip = Ir al contenido
nav-label = Principal
nav-home = Inicio
nav-cases = Estudios de caso
nav-campaigns = Campañas
nav-alerts = Alertas
nav-members = Miembros
nav-groups = Grupos de trabajo
nav-node = Este nodo
nav-language = Idioma
nav-language-apply = Cambiar
nav-acting-for = En nombre de
nav-logout = Cerrar sesión

live-new-one = Llegó un registro nuevo.
live-new-many = Llegaron registros nuevos: { $count }.
live-new-alert = Llegó una nueva alerta de solidaridad.
live-new-answer = Otra organización respondió a nuestra alerta.
live-refresh = Mostrar
notify-button = Avisarme de nuevas alertas
notify-on = Este navegador mostrará una notificación cuando llegue una nueva alerta de solidaridad u otra organización responda a una de las nuestras, mientras Commons esté abierto en él.
notify-blocked = Este navegador bloquea las notificaciones de Commons. Para recibirlas, permita las notificaciones de esta dirección en la configuración del sitio del navegador.

footer-text = Commons funciona en el nodo propio de su organización. Todo lo que ve aquí se verificó con la firma de su autor.

error-back-home = Volver al inicio
error-store = Este nodo no pudo leer sus registros. Si vuelve a ocurrir, pida a la persona que administra el nodo que revise su registro.
error-not-found = No hay nada en esta dirección. Puede que se haya retirado o que todavía no haya llegado a este nodo.
error-not-found-title = No encontrado
form-too-large = Este formulario es demasiado grande para enviarlo. Acorte el texto e inténtelo de nuevo.
form-unreadable = No se pudo leer este formulario. Recargue la página e inténtelo de nuevo.
form-expired = Este formulario ha caducado. Recargue la página y envíelo de nuevo.

welcome-title = Commons
welcome-intro = Este es el nodo Commons de su organización. Solo pueden entrar las personas con acceso a esta computadora.
welcome-how = Para abrir la aplicación, ejecute este comando en la computadora donde funciona el nodo y siga el enlace que muestra:
welcome-why = Cada enlace sirve una sola vez y durante cinco minutos. Si no puede ejecutar comandos en esta computadora, pídaselo a quien administra el nodo de su organización.
welcome-link-used = Este enlace ya se usó o ha caducado. Ejecute commons open otra vez para obtener uno nuevo.
login-done-title = Ya está dentro
login-done-continue = Continuar a Commons

publish-invalid = El nodo lo rechazó: { $detail }. Corríjalo y envíelo de nuevo.
publish-held = Este nodo todavía no puede publicar: { $detail }
publish-shutdown = El nodo se está deteniendo, así que no se publicó nada. Inténtelo cuando vuelva a funcionar.
publish-failed = No se publicó nada: { $detail }. Inténtelo de nuevo; si vuelve a fallar, pida que revisen el registro del nodo.

severity-critical = Crítica
severity-urgent = Urgente
severity-watch = Vigilancia

tally-admit = { $count } de { $needed } respaldos para admitir
tally-remove = { $count } de { $needed } votos para retirar

month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
date-format = { $day } de { $month } de { $year }
datetime-format = { $date }, { $time } UTC
time-just-now = ahora mismo
time-minutes-ago = { $count ->
    [one] hace 1 minuto
   *[other] hace { $count } minutos
}
time-hours-ago = { $count ->
    [one] hace 1 hora
   *[other] hace { $count } horas
}
time-days-ago = { $count ->
    [one] ayer
   *[other] hace { $count } días
}
