/* vs-i18n.h: gettext macros shared by every file. */
#pragma once

#include <glib/gi18n.h>
