// sb_plugin_entry refuses every host by returning NULL.
#include "HandMadePlugin.h"

SB_HAND_MADE_PLUGIN_ENTRY(nullptr)
