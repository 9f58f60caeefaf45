/* vsd-selftest.h: a hidden mode that drives the window from a script, for the
 * GUI end-to-end test.  Actions go through the same widget signals a click
 * or a keyboard entry would emit (gtk_widget_activate, gtk_editable_set_text).
 *
 * Script lines (# comments):
 *   timeout SECONDS        how long the next waits may take (default 120)
 *   wait NAME              until the widget named NAME is shown and sensitive
 *                          (NAME may have * and ? wildcards: the first match)
 *   wait-gone NAME         until no widget named NAME is shown
 *   wait-text NAME TEXT    until the labels under NAME contain TEXT
 *   wait-file PATH         until PATH exists (the test's own steps between)
 *   wait-idle              until no operation runs and every connection is read
 *   wait-error TEXT        until an error dialog whose text has TEXT is shown;
 *                          then close it (any other error dialog fails the test)
 *   stall-max SECONDS      fail if the main loop was ever blocked that long
 *                          since the last stall-max (or the start)
 *   click NAME             activate the button (waits for it first)
 *   set NAME TEXT          set the text of an entry
 *   select NAME INDEX      choose an item of a drop-down or combo row
 *   check NAME on|off      set a check button or a switch
 *   respond NAME ID        answer the message dialog NAME with its response ID
 *   action NAME            activate the window's or application's action
 *                          (app.about, win.show-help-overlay: menu items)
 *   shot FILE              save every shown window as FILE.png, FILE-1.png, …
 *   quit
 * The program exits 0 after "quit", 1 (with the reason) on the first failure,
 * or at once if an error dialog appears. */
#pragma once

#include "vsd-window.h"

void vsd_self_test_start(VsdWindow *win, const char *script_path, const char *shot_dir);
