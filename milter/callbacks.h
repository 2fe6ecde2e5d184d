// SPDX-License-Identifier: BSD-2-Clause
// callbacks.h - the libmilter face of mixtasy-milter: xxfi_* callbacks that
// translate each MTA event into one MessageFilter call and its Verdict into
// an SMFIS_* code.
//
// CONTRACT
//   filter_description()  the smfiDesc to hand to smfi_register: name
//                         "mixtasy-milter", actions SMFIF_DELRCPT and
//                         SMFIF_QUARANTINE, every callback below.
//   set_milter_runtime()  must be called before smfi_main with the node
//                         and the settings; libmilter gives callbacks no
//                         user pointer, so this is the one process-wide
//                         pointer.  update_filter_settings() (SIGUSR1) takes
//                         effect at the next MAIL FROM of each connection.
//
// GUARANTEES
//   - Negotiation asks only for the steps we use (no CONNECT, HELO, UNKNOWN
//     callbacks) and for SMFIP_HDR_LEADSPC when the MTA offers it, so the
//     header is rebuilt byte for byte.
//   - Per-connection state lives in smfi_setpriv, created on first use,
//     freed in xxfi_close (which may see NULL) and reset on xxfi_abort.
//   - No C++ exception crosses into libmilter: each callback catches all,
//     logs, and returns SMFIS_TEMPFAIL.
#pragma once

#include <libmilter/mfapi.h>

#include "core/node/node.h"
#include "milter/message_filter.h"

namespace mixtasy::milter {

smfiDesc filter_description();

void set_milter_runtime(core::Node* node, const FilterSettings& settings);
void update_filter_settings(const FilterSettings& settings);

sfsistat to_sfsistat(Verdict verdict);

// Messages inside Node::accept right now; shutdown waits for zero so that a
// message whose commit has begun also gets its reply.
int messages_in_progress();

}  // namespace mixtasy::milter
