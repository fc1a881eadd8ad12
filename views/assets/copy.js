// Copy buttons of the console: <button data-copy="<input id>" hidden> copies the
// input's value. Without this script the buttons stay hidden and the read-only
// input is still there to select and copy by hand.
'use strict'
document.querySelectorAll('button[data-copy]').forEach(function (button) {
  var field = document.getElementById(button.getAttribute('data-copy'))
  if (!field) return
  button.hidden = false
  var label = button.textContent
  button.addEventListener('click', function () {
    field.focus()
    field.select()
    var done = function (ok) {
      button.textContent = ok ? 'Copié' : 'Sélectionné : Ctrl+C'
      setTimeout(function () {
        button.textContent = label
      }, 2000)
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () {
          done(true)
        },
        function () {
          done(false)
        },
      )
    } else {
      done(document.execCommand && document.execCommand('copy'))
    }
  })
})
