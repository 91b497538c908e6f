"""The modes that change the main window: the pharmacy kiosk and the mediator's (and training)
mode. Each is a package (:mod:`ui.modes.kiosk`, :mod:`ui.modes.mediator`) that the program
reaches through one small interface, :mod:`ui.modes.hooks`; a mode that cannot load stops the
program (it never runs unlocked). What both modes share: :mod:`ui.modes.session_watch` (the
inactivity lock and the reset between patients), :mod:`ui.modes.idle_warning` ("Are you still
here?") and :mod:`ui.modes.cover` (a page over the whole window)."""
