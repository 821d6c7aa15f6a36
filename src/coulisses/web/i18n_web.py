"""The studio's interface text in English and French (one table per language, every page's
keys), how a request picks its language, and how times are shown.

Order: ``?lang=`` (remembered in a cookie), the signed-in user's preference, the browser's
``Accept-Language``, then the ``lang`` setting. A key missing from a table is a bug: ``t``
raises, so the page test that renders every page in both languages catches it.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from coulisses.web import i18n_board

LANGS = ("en", "fr")
LANG_COOKIE = "coulisses_lang"

EN: dict[str, str] = {
    "app.name": "coulisses studio",
    "nav.campaigns": "Campaigns", "nav.rushes": "Rushes", "nav.cuts": "Cuts",
    "nav.jobs": "Jobs", "nav.results": "Results", "nav.members": "Members",
    "nav.workspaces": "Workspaces", "nav.signout": "Sign out", "nav.signin": "Sign in",
    "nav.signup": "Create an account", "nav.language": "Language", "nav.main": "Main",
    "nav.skip": "Skip to content", "nav.account": "Account",
    "auth.email": "Email", "auth.password": "Password", "auth.name": "Your name",
    "auth.workspace": "Workspace name (your brand or client)",
    "auth.signin_title": "Sign in", "auth.signup_title": "Create your account",
    "auth.signin": "Sign in", "auth.signup": "Create account",
    "auth.no_account": "No account yet?", "auth.have_account": "Already have an account?",
    "auth.bad_credentials": "Wrong email or password.",
    "auth.rate_limited": "Too many failed sign-ins: wait 15 minutes, then try again.",
    "auth.slow_down": "Too many attempts from here: wait {n} seconds, then try again.",
    "auth.password_long": "Choose a password of at most {n} characters.",
    "auth.password_common": "This password is too easy to guess: choose a longer phrase of "
                            "your own.",
    "ws.member_invited": "Invitation sent, if an account uses this email: the workspace "
                         "opens to them once they accept.",
    "ws.invitations": "Invitations", "ws.invited_to": "{name}, as {role}",
    "ws.accept": "Accept", "ws.decline": "Decline",
    "auth.password_short": "Choose a password of at least {n} characters.",
    "auth.email_bad": "Enter a valid email address.",
    "auth.email_taken": "An account with this email already exists: sign in instead.",
    "auth.name_missing": "Enter a name.",
    "auth.password_help": "At least {n} characters.",
    "auth.signed_out": "You are signed out.",
    "account.title": "Your account", "account.language": "Interface language",
    "account.save": "Save",
    "ws.title": "Your workspaces", "ws.new": "New workspace", "ws.create": "Create",
    "ws.name": "Name", "ws.role": "Your role", "ws.none": "You are in no workspace yet.",
    "ws.dashboard": "Overview", "ws.campaigns_count": "{n} campaign(s)",
    "ws.jobs_running": "{n} job(s) queued or running",
    "ws.members_title": "Members", "ws.add_member": "Add a member",
    "ws.add": "Add", "ws.member_email": "Their email (they sign up first)",
    "ws.member_added": "Member added.", "ws.member_unknown":
        "No account uses this email: ask them to create one, then add them.",
    "ws.member_exists": "This person is already a member.",
    "ws.change_role": "Change role", "ws.remove": "Remove",
    "ws.last_owner": "A workspace keeps at least one owner.",
    "ws.permissions": "What each role may do", "ws.action": "Action",
    "role.owner": "Owner", "role.editor": "Editor", "role.reviewer": "Reviewer",
    "role.client": "Client (views, comments, approves)",
    "camp.title": "Campaigns", "camp.none": "No campaign yet: import a campaign file.",
    "camp.import": "Import a campaign", "camp.file": "Campaign file (YAML)",
    "camp.paste": "…or paste its text", "camp.import_button": "Import",
    "camp.export": "Download the file", "camp.edit": "Edit", "camp.save": "Save",
    "camp.delete": "Delete", "camp.plan": "Plan", "camp.calendar": "Calendar",
    "camp.health": "Health", "camp.results": "Results", "camp.overview": "Overview",
    "camp.version": "Version {n}", "camp.updated": "Updated {when}",
    "camp.ics": "Download the calendar (ICS)",
    "camp.valid": "The campaign file is valid.",
    "camp.invalid": "This file does not validate: {error}",
    "camp.findings_none": "No finding: this campaign looks healthy.",
    "camp.line": "Line", "camp.severity": "Severity", "camp.rule": "Rule",
    "camp.message": "Finding", "camp.deliverables": "Deliverables",
    "camp.capture": "Capture lists", "camp.no_entries": "Nothing to show.",
    "camp.conflict_title": "Someone else saved this campaign meanwhile",
    "camp.conflict_text": "Nothing was overwritten. Theirs is saved (version {n}); yours is "
                          "below: copy what you need, then edit again.",
    "camp.theirs": "Saved version", "camp.yours": "Your version",
    "camp.edit_again": "Edit the saved version", "camp.text": "Campaign file",
    "camp.deleted": "Campaign deleted.",
    "jobs.title": "Jobs", "jobs.none": "No job yet.", "jobs.kind": "Kind",
    "jobs.status": "Status", "jobs.progress": "Progress", "jobs.created": "Created",
    "jobs.attempts": "Attempts", "jobs.error": "Error", "jobs.result": "Result",
    "jobs.retry": "Run again", "jobs.message": "Now",
    "status.queued": "queued", "status.running": "running", "status.done": "done",
    "status.failed": "failed",
    "results.title": "Results", "results.none":
        "No analytics imported yet: import your platforms' exports below (or with "
        "`coulisses kpi import`).",
    "results.import": "Import analytics exports",
    "results.files": "Export files (CSV, XLSX or XLS, as the platform gave them)",
    "results.files_help": "Up to {n} files of {mb} MB each, from TikTok, Instagram, "
        "Facebook, YouTube or LinkedIn. Posts are matched to this campaign by its "
        "deliverables' captions and publish times. A file that cannot be imported changes "
        "nothing.",
    "results.as_of": "Day the exports were downloaded (default: today)",
    "results.import_button": "Import",
    "results.mapping_title": "{file} is no export coulisses knows: check the guessed mapping",
    "results.mapping_intro": "Each column of the file, with what coulisses guessed it holds "
        "and why. Change what is wrong, then import.",
    "results.mapping_missing": "Not found: {what}",
    "results.mapping_platform": "Whose numbers these are",
    "results.mapping_decimal": "Decimal mark",
    "results.mapping_date_format": "Date format, when dates are day first in a file with a "
        "decimal point (e.g. %d/%m/%Y)",
    "results.mapping_column": "Column", "results.mapping_field": "Imported as",
    "results.mapping_kind": "Read as", "results.mapping_why": "Why",
    "results.mapping_skip": "(not imported)", "results.mapping_check": "Check:",
    "results.mapping_button": "Import with this mapping",
    "results.field.post_id": "the post's id", "results.field.url": "the post's link",
    "results.field.caption": "the caption", "results.field.published_at": "publication date",
    "results.field.day": "day of the numbers",
    "results.imported": "{file} ({export}): {rows} rows, {new} new values, {changed} "
        "updated, {posts} posts ({matched} matched to a campaign).",
    "results.already": "{file}: already imported, nothing changed.",
    "results.warning": "Note:",
    "results.for": "Results for {name}", "results.open": "Open the full report",
    "error.title": "Something went wrong", "error.back": "Back",
    "error.signin": "Sign in", "error.not_found": "This page does not exist here.",
    "error.method": "This action is not available here.",
    "error.too_large": "The request is over the {size} this page accepts.",
    "error.no_files": "This page takes no files.",
    "error.invalid": "The request is not valid: {detail}",
    "common.cancel": "Cancel", "common.actions": "Actions",
    # rushes, cuts, review and search pages
    "rush.title": "Rushes", "rush.none": "No rush yet: upload your first one.",
    "rush.upload": "Upload rushes", "rush.upload_title": "Upload rushes",
    "rush.file": "Video files", "rush.send": "Upload",
    "rush.upload_help": "Large files are sent in pieces and resume after a dropped "
                        "connection. Up to {mb} MB per file.",
    "rush.progress": "Upload progress", "rush.retry": "Connection lost, resuming…",
    "rush.uploaded": "Uploaded.", "rush.name": "Name", "rush.duration": "Duration",
    "rush.size": "Size", "rush.status": "Analysis", "rush.open": "Open",
    "rush.thumb": "Thumbnail of {name}", "rush.player": "Player of {name}",
    "rush.analyze": "Analyse this rush", "rush.reanalyze": "Analyse again",
    "rush.analysing": "Analysing…", "rush.failed": "The analysis failed: {error}",
    "rush.transcript": "Transcript", "rush.no_speech": "No speech was found.",
    "rush.timeline": "Timeline", "rush.shots": "Shots", "rush.moments": "Moments",
    "rush.shot_n": "Shot {n} at {t}", "rush.moment_at": "Moment at {t}: {reason}",
    "rush.not_analysed": "Not analysed yet.", "rush.delete": "Delete this rush",
    "rush.deleted": "Rush deleted.", "rush.facts": "{w}×{h}, {fps} fps, {d}",
    "rush.seek": "Play from {t}",
    "status.uploaded": "not analysed", "status.analysing": "analysing",
    "status.analysed": "analysed", "status.rendering": "rendering",
    "search.title": "Search the rushes", "search.query": "Words or an idea",
    "search.go": "Search", "search.none": "Nothing found for “{q}”.",
    "search.hits": "{n} passage(s) for “{q}”", "search.in": "in {name} at {t}",
    "cut.title": "Cuts", "cut.none": "No cut yet: open a rush and render a cut.",
    "cut.new": "Render a cut", "cut.cut_title": "Title", "cut.platforms": "Platforms",
    "cut.start": "Start (seconds)", "cut.end": "End (seconds)",
    "cut.captions": "Burn word-by-word captions from speech",
    "cut.reframe": "Reframe to follow the subject", "cut.preset": "Quality",
    "cut.preset_final": "Final", "cut.preset_draft": "Draft (fast)",
    "cut.preset_master": "Master (slowest, smallest files)",
    "cut.trim": "Trim spans too long for a platform",
    "cut.extend": "Extend spans too short for a platform",
    "cut.render": "Render", "cut.rerender": "Render a new version",
    "cut.version": "Version {n}", "cut.versions": "Versions",
    "cut.variants": "Variants", "cut.qc": "QC report", "cut.qc_pass": "passes",
    "cut.qc_fail": "fails", "cut.check": "Check", "cut.expected": "Expected",
    "cut.actual": "Measured", "cut.rendering": "Rendering…",
    "cut.failed": "The render failed: {error}", "cut.from": "From {name}",
    "cut.sheet": "Contact sheet of version {n}", "cut.download": "Download",
    "cut.decision": "Decision", "cut.approve": "Approve",
    "cut.request_changes": "Request changes", "cut.note": "Note (optional)",
    "decision.pending": "awaiting review", "decision.approved": "approved",
    "decision.changes": "changes requested",
    "cut.decided": "{name}: {decision}", "cut.choose_platform": "Choose at least one platform.",
    "review.comments": "Comments", "review.none": "No comment yet.",
    "review.add": "Comment", "review.body": "Your comment", "review.at": "At (mm:ss)",
    "review.until": "Until (mm:ss, for a range)", "review.at_now": "At current time",
    "review.range_end": "End range here", "review.send": "Post comment",
    "review.reply": "Reply", "review.edit": "Edit", "review.save": "Save",
    "review.resolve": "Resolve", "review.reopen": "Reopen", "review.resolved": "resolved",
    "review.conflict": "Someone else changed this comment meanwhile: nothing was "
                       "overwritten. Their text is shown; edit again if needed.",
    "review.by": "{name} at {t}", "review.variant": "Variant",
    "review.empty": "Write something first.",
    # look (issue 12): permission names, the QC result column, the report's source
    "cut.result": "Result", "results.source": "this workspace's analytics",
    "jobkind.analyze": "analysis", "jobkind.render": "render",
    "sev.error": "error", "sev.warning": "warning", "sev.info": "note",
    "ws.member_role": "Role",
    "jobs.made": "For", "jobs.open.analyze": "the rush analysed",
    "jobs.open.render": "the cut version rendered",
    "jobs.counts": "{shots} shot(s), {words} word(s), {moments} moment(s)",
    "perm.workspace.view": "See the workspace", "perm.campaign.view": "See campaigns",
    "perm.rush.view": "Watch rushes", "perm.cut.view": "Watch cuts",
    "perm.job.view": "Follow jobs", "perm.results.view": "See results",
    "perm.comment.view": "Read comments", "perm.comment.create": "Comment",
    "perm.comment.edit_own": "Edit their own comments",
    "perm.cut.approve": "Approve or request changes",
    "perm.campaign.import": "Import campaigns", "perm.campaign.edit": "Edit campaigns",
    "perm.campaign.delete": "Delete campaigns", "perm.rush.upload": "Upload rushes",
    "perm.rush.edit": "Analyse rushes", "perm.rush.delete": "Delete rushes",
    "perm.cut.create": "Make cuts", "perm.cut.render": "Render new versions",
    "perm.job.submit": "Start and retry jobs", "perm.results.import": "Import analytics",
    "perm.member.manage": "Manage members", "perm.workspace.manage": "Manage the workspace",
    # permissions added by the board, review, publishing and backstage pages (issue 12-14)
    "form.time_hint": "HH:MM",
    "perm.account.connect": "Connect publishing accounts",
    "perm.backstage.moderate": "Moderate the backstage page",
    "perm.backstage.preview": "Preview the backstage page",
    "perm.backstage.publish": "Publish the backstage page",
    "perm.comment.delete_any": "Delete anyone's comments", "perm.cut.delete": "Delete cuts",
    "perm.cut.share": "Share review links", "perm.post.approve": "Approve posts",
    "perm.post.edit": "Schedule and edit posts", "perm.post.view": "See the publishing queue",
    "perm.rush.tag": "Tag rushes", "perm.trash.restore": "Restore from the trash",
    # board12: the board, the calendar, client review links, notifications
    **i18n_board.EN,
    # --- issue 12, review12: trash and safe deletes, review, rush editor, campaign forms ---
    "trash.title": "Trash", "trash.empty": "The trash is empty.",
    "trash.help": "Deleted campaigns, rushes, cuts and comments wait here for {days} days "
                  "before they are removed for good; restore what was deleted by mistake.",
    "trash.what": "What", "trash.deleted_on": "Deleted", "trash.restore": "Restore",
    "trash.restored": "Restored.",
    "trash.confirm_title": "Delete this {what}?",
    "trash.confirm_text": "It goes to the trash, where an owner or editor can restore it "
                          "for {days} days.",
    "trash.confirm_final": "They lose access to this workspace at once; invite them again to "
                           "undo it.",
    "trash.confirm_button": "Yes, delete", "trash.kind.campaign": "campaign",
    "trash.kind.rush": "rush", "trash.kind.cut": "cut", "trash.kind.comment": "comment",
    "trash.kind.member": "member",
    "review.delete": "Delete", "cut.delete": "Delete this cut",
    "review.decide_for": "Decision for", "review.whole_version": "The whole version",
    "review.open_threads": "{n} comment(s) still unresolved.",
    "review.unresolved_title": "Approve with unresolved comments?",
    "review.unresolved_text": "{n} comment(s) on this version are not resolved yet. Approve "
                              "anyway, or go back and resolve them first.",
    "review.approve_anyway": "Approve anyway", "review.see_comments": "See the comments",
    "review.qc_count": "({ok} of {n} variants pass)", "review.result": "Result",
    "review.compare_with": "Compare with", "review.compare": "Compare side by side",
    "review.comparing": "Version {a} and version {b} side by side",
    "review.compare_stop": "Stop comparing",
    "rush.lane_shots": "Shots", "rush.lane_speech": "Speech", "rush.lane_faces": "Faces",
    "rush.lane_moments": "Moments", "rush.face_n": "Face {n} on screen",
    "rush.speaker_n": "Speaker {n}", "rush.speaker_unknown": "Speaker not seen",
    "rush.transcript_help": "Click a word to play from it; select words (or click one, then "
                            "shift-click another) to make them the cut's in and out points.",
    "rush.inout": "In and out points", "rush.in": "In (mm:ss.ff)",
    "rush.out": "Out (mm:ss.ff)", "rush.set_in": "Set in here (I)",
    "rush.set_out": "Set out here (O)",
    "rush.inout_help": "From the player: pause where the cut starts and press I, where it "
                       "ends and press O.",
    "forms.tab": "Forms",
    "forms.sections": "Parts of the campaign",
    "forms.help": (
        "Each form writes the campaign file itself: its comments and layout are "
        "kept, and it is checked before it is saved."),
    "forms.save": "Save",
    "forms.remove": "Remove",
    "forms.add": "Add one",
    "forms.add_button": "Add",
    "forms.list_hint": "(separated by commas)",
    "forms.item": "item of the campaign",
    "forms.confirm_remove": (
        "It is removed from the campaign file (download the file first to keep "
        "a copy)."),
    "forms.located": "Problems at their lines",
    "forms.located_help": "Each problem is shown under its line of the file.",
    "forms.located_none": "No problem found at any line.",
    "forms.goto_line": "Go to line {n}",
    "forms.section.beats": "Story beats",
    "forms.section.episodes": "Episodes",
    "forms.section.bts": "Behind the scenes",
    "forms.section.people": "People and consent",
    "forms.section.shoot_days": "Shoot days",
    "forms.section.platforms": "Platforms",
    "forms.section.kpis": "KPI targets",
    "forms.field.id": "Id",
    "forms.field.title": "Title",
    "forms.field.summary": "Summary",
    "forms.field.after": "Comes after (beat ids)",
    "forms.field.number": "Number",
    "forms.field.beats": "Story beats (ids)",
    "forms.field.duration_s": "Planned length (seconds)",
    "forms.field.shoot_day": "Shoot day (id)",
    "forms.field.people": "People on screen (ids)",
    "forms.field.capture": "What to film",
    "forms.field.kind": "Kind",
    "forms.field.style": "Capture style",
    "forms.field.name": "Name",
    "forms.field.role": "Role",
    "forms.field.minor": "Under 18 (needs a guardian's consent)",
    "forms.field.consent": "Consent",
    "forms.field.date": "Date",
    "forms.field.location": "Location (id)",
    "forms.field.call": "Call time (HH:MM)",
    "forms.field.wrap": "Wrap time (HH:MM)",
    "forms.field.notes": "Notes",
    "forms.field.platform": "Platform (id)",
    "forms.field.tone": "Tone",
    "forms.field.publish_time": "Usual publishing time (HH:MM)",
    "forms.field.metric": "Metric",
    "forms.field.comparator": "Comparison",
    "forms.field.target": "Target",
    "forms.field.unit": "Unit",
    "forms.field.scope": "Counted on",
    "forms.field.by": "Reached by (date)",
    # --- end of issue 12, review12 ---
    # publishing accounts (issue 13, pub13c): an account whose tokens stopped working
    "pub.reconnect": "sign in again (connect it again under the same name)",
    "pub.renew_by": "its token cannot be renewed: connect it again before {day}, or its "
                    "posts wait",
    # publishing (issue 13): the publishing page, its calendar, queue and accounts
    "nav.publishing": "Publishing",
    "pub.title": "Publishing", "pub.calendar": "Calendar", "pub.previous": "Previous",
    "pub.next": "Next", "pub.today": "Today", "pub.month": "Month", "pub.week": "Week",
    "pub.week_of": "week of {day}", "pub.weekdays": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
    "pub.ics": "Calendar file (.ics)", "pub.zone": "Time zone", "pub.show": "Show",
    "pub.schedule_on": "Schedule a post on {day}", "pub.queue": "Queue",
    "pub.queue_empty": "Nothing waiting to be published.", "pub.ended": "Recently ended",
    "pub.when": "When", "pub.account": "Account", "pub.state": "State", "pub.step": "Step",
    "pub.answer": "Platform's answer", "pub.link": "Link", "pub.schedule": "Schedule a post",
    "pub.variant": "Approved cut (variant)", "pub.day": "Day", "pub.time": "Time",
    "pub.caption": "Caption", "pub.first_comment": "First comment",
    "pub.force": "Post this video to this account again (it was already scheduled)",
    "pub.schedule_button": "Schedule as a draft",
    "pub.draft_hint": "A new post is a draft: it goes out at its time once someone approves "
                      "its caption and options.",
    "pub.nothing_to_schedule": "To schedule a post, connect an account and approve a cut "
                               "whose QC passed.",
    "pub.accounts": "Accounts", "pub.no_accounts": "No account is connected yet.",
    "pub.sandbox": "sandbox", "pub.platform": "Platform", "pub.account_name": "Account name",
    "pub.sandbox_url": "Sandbox address (to rehearse; empty for the real platform)",
    "pub.manual": "Manual channel: no API, post by hand from a publish pack",
    "pub.connect": "Connect", "pub.post": "Post", "pub.options": "Options",
    "pub.approval": "Approval", "pub.approved_by": "approved by {name}",
    "pub.not_approved": "not approved yet",
    "pub.not_asked": "not asked for (scheduled from the command line or an import)",
    "pub.attempts": "Attempts",
    "pub.approve": "Approve caption and options", "pub.retry": "Retry",
    "pub.cancel": "Cancel this post", "pub.move": "Move to another slot",
    "pub.move_button": "Move", "pub.edit": "Edit", "pub.save": "Save",
    "pub.options_help": "Options, one KEY=VALUE a line",
    "pub.edit_hint": "Saving a change makes the post a draft again, to be approved again.",
    "pub.history": "History", "pub.kind": "Kind", "pub.detail": "Detail",
    "pub.done.scheduled": "Scheduled as a draft: approve it to let it go out.",
    "pub.done.moved": "Moved.", "pub.done.approved": "Approved: it goes out at its time.",
    "pub.done.edited": "Saved: approve it again to let it go out.",
    "pub.done.retried": "Back in the queue.", "pub.done.cancelled": "Cancelled.",
    "pub.done.connected": "Account connected.",
    "pub.continue": "Continue to {platform}",
    "pub.continue_help": "{platform} asks you to sign in and approve coulisses; you come back "
                         "here afterwards.",
    "pub.state.draft": "draft", "pub.state.scheduled": "scheduled",
    "pub.state.publishing": "publishing", "pub.state.published": "published",
    "pub.state.failed": "failed", "pub.state.needs_attention": "needs attention",
    "pub.state.cancelled": "cancelled",
    # publishing metrics (issue 13, metrics13): sync a workspace's posts, show their numbers
    "pub.sync": "Sync metrics",
    "pub.sync_hint": "Reads the latest numbers of the published posts from their platforms.",
    "pub.done.sync_queued": "Sync started: the numbers show here once it is done.",
    "pub.sync_running": "A metrics sync is under way (reload to see it done).",
    "pub.sync_job": "its job", "pub.sync_failed": "The last metrics sync failed:",
    "pub.sync_done": "Last metrics sync: {n} post(s) read.",
    "pub.sync_problem": "not read:", "jobkind.sync_metrics": "metrics sync",
    "jobs.open.sync_metrics": "the publishing page",
    "pub.numbers": "Numbers", "pub.not_synced": "not synced yet",
    "pub.synced_at": "synced {when}", "pub.n.views": "views", "pub.n.likes": "likes",
    "pub.n.comments": "comments", "pub.n.shares": "shares",
    "pub.n.watch_time_s": "watch time", "pub.n.minutes": "{n} min",
    # --- backstage (issue 14): public page, polls, comments, moderation ---
    "bs.tab": "Backstage page", "bs.kicker": "Behind the scenes",
    "bs.preview_note": "Preview: this is what visitors see. Voting and comments are off here.",
    "bs.changed": "What we changed because of you", "bs.cuts": "Behind the scenes",
    "bs.beats": "The story so far", "bs.days": "Shoot days", "bs.updates": "Updates",
    "bs.comments": "Comments", "bs.vote": "Vote", "bs.working": "Checking your vote…",
    "bs.needs_js": "Voting needs JavaScript: it solves a small puzzle that keeps robots out.",
    "bs.results": "Results", "bs.excluded": "{n} votes were not counted:",
    "bs.poll.upcoming": "Opens {opens}.", "bs.poll.open": "Open until {closes}.",
    "bs.poll.closed": "Closed on {closes}.",
    "bs.results_live": "Results are shown live", "bs.results_after_vote":
        "Results are shown once you have voted", "bs.results_after_close":
        "Results are shown when the poll closes",
    "bs.msg.counted": "Thank you: your vote counted.",
    "bs.msg.forged_cookie": "Your vote was not counted: this browser's voting cookie was "
                            "altered.",
    "bs.msg.already_voted": "Your vote was not counted: you have already voted in this poll.",
    "bs.msg.too_fast": "Your vote was not counted: it came faster than a person can read the "
                       "options.",
    "bs.msg.address": "Your vote was not counted: many votes came from your connection, and "
                      "far more of them chose this option than everyone else's votes do. Its "
                      "other votes for this option are not counted either.",
    "bs.msg.network": "Your vote was not counted: many votes came from your network, and far "
                      "more of them chose this option than everyone else's votes do. Its "
                      "other votes for this option are not counted either.",
    "bs.msg.velocity": "Your vote was not counted: votes arrived too fast from your network.",
    "bs.msg.burst": "Your vote was not counted: it came in a sudden wave of votes for the same "
                    "option, which we exclude.",
    "bs.msg.comment_visible": "Thank you: your comment is published.",
    "bs.msg.comment_held": "Thank you: your comment will appear once the team has read it.",
    "bs.msg.reported": "Thank you: the team will look at this comment.",
    "bs.reason.forged_cookie": "altered cookie", "bs.reason.already_voted": "second vote",
    "bs.reason.too_fast": "too fast", "bs.reason.address": "one connection, one-sided",
    "bs.reason.network": "one network, one-sided", "bs.reason.velocity": "network pace",
    "bs.reason.burst": "wave of votes",
    # poll e-mail verification (issue 14, pollmail14)
    "bs.reason.unverified": "not confirmed by e-mail",
    "bs.reason.email_used": "e-mail address already used",
    "bs.reason.replaced": "voted again before confirming",
    "bs.msg.replaced": "This vote was replaced by a later one from this browser: open the "
                       "link in the latest e-mail.",
    "bs.msg.unverified": "Almost done: we sent you an e-mail. Your vote counts once you open "
                         "the link in it (within 24 hours, before the poll closes).",
    "bs.msg.email_used": "Your vote was not counted: a vote confirmed from this e-mail "
                         "address already counts in this poll.",
    "bs.msg.verified": "Thank you: your vote is confirmed and counts.",
    "bs.mail.why": "This poll counts only votes confirmed by e-mail. We send you a link; your "
                   "address is kept only as a scrambled code, deleted after the poll.",
    "bs.mail.label": "Your e-mail address",
    "bs.mail.results": "Only votes confirmed by e-mail are counted; votes not yet confirmed "
                       "are not.",
    "bs.mail.verify": "High stakes: count a vote only once its voter confirms it by e-mail",
    "bs.mail.verify_hint": "Voters give an e-mail address and open the link we send them; one "
                           "vote counts per address. Needs the studio's mail settings.",
    "bs.mail.verified_only": "votes confirmed by e-mail",
    "bs.anonymous": "Anonymous", "bs.report": "Report", "bs.team": "team",
    "bs.no_comments": "No comments yet.", "bs.name": "Your name (optional)",
    "bs.your_comment": "Your comment", "bs.send": "Send",
    "bs.privacy": "No trackers, no advertising. A cookie remembers your vote on this page; "
                  "your connection is kept only as a scrambled code, deleted after the poll.",
    "bs.is_published": "Published at", "bs.is_private": "Not published: nobody outside the "
                                                        "workspace can see it.",
    "bs.preview": "Preview as a visitor", "bs.moderation": "Moderation",
    "bs.left_out": "Not shown on the page:", "bs.publish": "Publish",
    "bs.unpublish": "Unpublish", "bs.settings": "Settings", "bs.title": "Title",
    "bs.intro": "Introduction", "bs.lang": "Language of the page",
    "bs.moderation_mode": "Comments", "bs.mod_pre": "read by the team before they appear",
    "bs.mod_post": "appear at once (automatic holds still apply)",
    "bs.show_places": "Show where we shoot", "bs.words_en": "Blocked words, English "
                                                            "(comma-separated)",
    "bs.words_fr": "Blocked words, French (comma-separated)", "bs.save": "Save",
    "bs.reveal": "What the page reveals", "bs.none": "Nothing yet.",
    "bs.bts_item": "Behind-the-scenes item (for the rights check)",
    "bs.rights_closed": "rights gate closed", "bs.rights_clear": "rights clear",
    "bs.no_cuts": "No approved cut yet.", "bs.update_text": "Text",
    "bs.update_kind": "Kind", "bs.add": "Add", "bs.polls": "Polls",
    "bs.question": "Question", "bs.state": "State", "bs.opens": "Opens ({zone})",
    "bs.closes": "Closes ({zone})", "bs.results_when": "Show results",
    "bs.retention": "Keep the vote checks' data after closing (days)",
    "bs.option": "Option {n}", "bs.label": "Label", "bs.kind": "Kind",
    "bs.kind_text": "text", "bs.kind_clip": "clip", "bs.kind_cover": "cover",
    "bs.kind_still": "still", "bs.source": "From", "bs.clip_start": "Clip start (s)",
    "bs.clip_end": "Clip end (s)", "bs.create_poll": "Create the poll",
    "bs.download_log": "Download the moderation log (CSV)",
    "bs.shortcuts": "Keys on a focused row: a approve, d decline, b decline and block, "
                    "t trust, x select, j/k next/previous.",
    "bs.select": "Select", "bs.why": "Why held", "bs.queue_empty": "Nothing waits.",
    "bs.act_approve": "Approve", "bs.act_decline": "Decline",
    "bs.act_block": "Decline and block", "bs.act_trust": "Trust the commenter",
    "bs.published_comments": "Published comments", "bs.reply": "Reply as the team",
    "bs.hold.queue": "pre-moderation", "bs.hold.link": "a link",
    "bs.hold.blocked_word": "a blocked word", "bs.hold.repeated": "repeated text",
    "bs.hold.burst": "many comments at once", "bs.hold.reported": "reported by visitors",
    "bs.hold.forged_cookie": "altered cookie",
    # --- backstage, second part (issue 14): decision log, conversation map, KPIs ---
    "bs.map": "Conversation map", "bs.decisions": "Decision log",
    "bs.map_summary": "{n} comments, {open} not answered yet, in {groups} groups.",
    "bs.map_votes": "{n} votes counted, {x} excluded", "bs.map_groups": "What people talk about",
    "bs.map_group": "{n} comments, {open} not answered", "bs.map_on_poll": "on “{question}” "
                                                                          "({n} votes)",
    "bs.unanswered": "Not answered:", "bs.held": "held for moderation",
    "bs.decide_theme": "Record a decision on this group",
    "bs.decide_poll": "The poll it decides (and the winning option)",
    "bs.decide_no_winner": "no single winner", "bs.decide_theme_label": "Conversation group",
    "bs.decide_answers": "answers {n} comments", "bs.decision": "What we decided",
    "bs.reason": "Why", "bs.decide_cut": "The cut that resulted",
    # --- conversation map: what most agree on, what divides them (issue 14, map14) ---
    "bs.map_agree": "What most people agree on", "bs.map_divide": "What divides them",
    "bs.map_agree_for": "{label}: {share} % of the {n} who took a side are for it",
    "bs.map_agree_against": "{label}: {share} % of the {n} who took a side are against it",
    "bs.map_agree_poll": "“{question}”: most chose “{option}” ({share} % of the {n} votes "
                         "for the two leading options)",
    "bs.map_divide_theme": "{label}: {pro} % for, {con} % against, of {n} who took a side",
    "bs.map_divide_poll": "“{question}”: “{option}” {share} %, “{other}” {rest} % "
                          "({n} votes)",
    "bs.map_stance_none": "Nothing clear yet: too few comments took a side, or opinions "
                          "lean without a clear majority.",
    "bs.map_stance_how": "Read from each comment's words (for English comments, also from "
                         "their closeness to plain for and against sentences) and from the "
                         "polls' two leading options; small crowds say nothing.",
    "bs.map_group_stance": "{pro} for, {con} against",
    "bs.decide_public": "Show it on the public page", "bs.decide": "Record the decision",
    "bs.timeline": "Timeline", "bs.decide_private": "team only",
    "bs.winner": "“{option}” won", "bs.theme": "From the conversation about: {theme}",
    "bs.resulting_cut": "Resulting cut: {title}",
    "bs.votes_then": "{n} votes when we decided",
    # --- platform polls (issue 14, polls14): sent through the publish connectors ---
    "bs.source.typed": "typed in", "bs.source.api": "read through the platform's API",
    "bs.pp_sent": "Sent out as:", "bs.pp_post": "post {id}, {state}",
    "bs.pp_read": "Read the platforms' results",
    "bs.pp_li_account": "LinkedIn account", "bs.pp_duration": "How long the LinkedIn poll runs",
    "bs.pp_d.ONE_DAY": "1 day", "bs.pp_d.THREE_DAYS": "3 days", "bs.pp_d.SEVEN_DAYS": "1 week",
    "bs.pp_d.FOURTEEN_DAYS": "2 weeks",
    "bs.pp_text": "Text of the LinkedIn post (empty: the question)",
    "bs.pp_send_li": "Send as a LinkedIn poll (2 to 4 options of at most 30 characters)",
    "bs.pp_ig_post": "Instagram reel, still scheduled",
    "bs.pp_ig_hint": "Instagram takes a caption poll only when the post is created: its caption "
                     "is the question, and Instagram gives shares, so its votes are estimated.",
    "bs.pp_attach_ig": "Attach as its caption poll",
    "bs.cut_kpis": "How the resulting cut did since it was published:",
    "bs.cut_kpis_at": "(synced {when})",
    "bs.platform_tallies": "On other platforms",
    "bs.platform_note": "What the same poll counted on a platform (an Instagram story poll, "
                        "a LinkedIn poll), typed in by the team or read through its API. It is "
                        "shown beside the page's own result, never added to it.",
    "bs.platform_public": "Counted by each platform, typed in by the team or read through "
                          "its API; not checked like the votes above, and not added to them.",
    "bs.channel": "Platform", "bs.channel.instagram_story": "Instagram story",
    "bs.channel.instagram": "Instagram", "bs.channel.tiktok": "TikTok",
    "bs.channel.youtube": "YouTube", "bs.channel.linkedin": "LinkedIn",
    "bs.channel.facebook": "Facebook", "bs.channel.x": "X",
    "bs.estimated": "estimated", "bs.votes_for": "Votes for “{option}”",
    "bs.estimated_box": "Estimated (the platform shows only percentages)",
    "bs.embed": "Sites that may embed the page and its polls (one per line)",
    "bs.embed_hint": "Write each as https://example.org. Nobody may embed the page when this "
                     "is empty. Voting inside an embed works only where the visitor's browser "
                     "allows the studio's cookies in it.",
    # --- issue 12, studio12b: review time codes, French all the way ---
    "review.time_hint": "Times as mm:ss or hh:mm:ss.ff (75.5 seconds also works).",
    "cal.legend": "Kinds of dates",
    "cal.kinds.shoot": "shoot day", "cal.kinds.due": "due date",
    "cal.kinds.publish": "planned publication",
    "choice.kind.preparation": "preparation", "choice.kind.craft": "craft",
    "choice.kind.effort": "effort", "choice.kind.failure": "failure",
    "choice.kind.doubt": "doubt", "choice.kind.laughter": "laughter",
    "choice.kind.teaser": "teaser", "choice.kind.reveal": "reveal",
    "choice.style.raw": "raw", "choice.style.spontaneous": "spontaneous",
    "choice.style.staged": "staged", "choice.style.polished": "polished",
    "choice.role.talent": "talent", "choice.role.crew": "crew", "choice.role.extra": "extra",
    "choice.consent.granted": "granted", "choice.consent.pending": "pending",
    "choice.consent.refused": "refused", "choice.consent.none": "none",
    "choice.scope.all": "all", "choice.scope.campaign": "campaign",
    "choice.scope.bts": "behind the scenes",
    "forms.section.deliverables": "Deliverables", "forms.field.format": "Format",
    "forms.field.publish": "Publication date", "forms.field.due": "Due",
    "forms.field.status": "Status", "forms.field.caption": "Caption or hook",
    "choice.status.planned": "planned", "choice.status.in-edit": "in edit",
    "choice.status.in-review": "in review", "choice.status.approved": "approved",
    "choice.status.published": "published",
    # --- end of issue 12, studio12b ---
    # --- challenge intake (issue 15, ch-intake): team page, public submission, parent, withdrawal
    "perm.challenge.manage": "Open challenges and read their consent log",
    "jobkind.challenge_purge": "entry purge", "jobs.open.challenge_purge": "the challenge",
    "ch.tab": "Challenges", "ch.none": "This campaign file has no challenges section.",
    "ch.is_open": "Taking entries at", "ch.is_closed": "Not taking entries.",
    "ch.open": "Open for submissions", "ch.close": "Close submissions",
    "ch.counts": ("{complete} with consent complete, {pending} waiting for a parent, "
                  "{missing} without consent, {withdrawn} withdrawn"),
    "ch.consent_log": "Download the consent log (CSV)", "ch.entries": "Entries",
    "ch.shown": "the newest {n} of {total}",
    "ch.col.entry": "Entry", "ch.col.age": "Age band", "ch.col.consent": "Consent",
    "ch.col.status": "Status", "ch.col.hiring": "Hiring a minor",
    "ch.consent.missing": "missing", "ch.consent.pending_parent": "waiting for a parent",
    "ch.consent.complete": "complete", "ch.consent.withdrawn": "withdrawn",
    "ch.status.received": "received", "ch.status.triaged": "triaged",
    "ch.status.failed": "failed", "ch.status.withdrawn": "withdrawn",
    "ch.status.purged": "purged",
    "ch.cleared": "authorisations recorded", "ch.not_cleared": "authorisations missing",
    "ch.clear": "Record the authorisations", "ch.unclear": "Take back",
    "ch.not_needed": "not needed",
    "chp.kicker": "Open call", "chp.brief": "What to do", "chp.rules": "Rules",
    "chp.limits": "Accepted: {formats}, {seconds} seconds at most, under 4 GB.",
    "chp.sent": "Thank you: your entry is in. We have sent you a message with a link to "
                "withdraw it at any time.",
    "chp.sent_parent": "It waits for your parent's confirmation: we have sent them a link.",
    "chp.retry": "Connection lost, resuming...", "chp.sending": "Sending your video:",
    "chp.choose": "Choose your video first.", "chp.video": "Your video",
    "chp.file": "Video file", "chp.link": "Link to a public post (optional)",
    "chp.about": "About you", "chp.name": "Name or handle shown (optional)",
    "chp.age": "Age band", "chp.pick": "Choose", "chp.country": "Country",
    "chp.city": "City", "chp.email": "Your e-mail (for the confirmation and withdrawal link)",
    "chp.parent_email": "A parent's e-mail (under 15)",
    "chp.parent_hint": "Under 15, your entry waits until a parent confirms it from a link "
                       "we send them.",
    "chp.band.under-13": "under 13", "chp.band.13-14": "13 to 14", "chp.band.15": "15",
    "chp.band.16-17": "16 to 17", "chp.band.18-24": "18 to 24", "chp.band.25-34": "25 to 34",
    "chp.band.35-49": "35 to 49", "chp.band.50+": "50 and over",
    "chp.consents": "Your consent, item by item",
    "chp.face_matching": "Optional: allow matching my face across entries (biometric data; "
                         "off unless you tick it).",
    "chp.withdraw_note": "You can withdraw at any time from the link in your confirmation "
                         "message.",
    "chp.send": "Send my entry",
    "chp.parent.intro": "Your child has sent entry {id}. Under 15, no one sees it until you "
                        "confirm. These are the terms they agreed to:",
    "chp.parent.agree": "I agree, jointly with my child",
    "chp.parent.refuse": "I refuse: withdraw the entry",
    "chp.parent.confirmed": "Thank you: your consent is recorded and the entry can now be "
                            "seen by the team.",
    "chp.parent.given": "Your consent was already recorded: nothing more to do.",
    "chp.parent.refused": "Recorded: the entry is withdrawn and its data will be deleted "
                          "within the day.",
    "chp.parent.withdrawn": "This entry was withdrawn: nothing more to confirm.",
    "chp.withdraw_intro": "Withdraw entry {id}? It leaves the gallery, the shortlist and any "
                          "vote at once; its data is deleted within the day.",
    "chp.withdraw": "Withdraw my entry",
    "chp.withdrawn_now": "Your entry is withdrawn.",
    "chp.withdrawn_already": "This entry is withdrawn.",
    "chp.purge_soon": "Its data will be deleted within the day; the deletion receipt will "
                      "appear here and be e-mailed to you.",
    "chp.receipt": "Deletion receipt", "chp.receipt_id": "Receipt:",
    "chp.receipt_when": "Deleted on {when}:",
    "chp.receipt_kept": "Kept: the consent log (what was agreed and when), as the law "
                        "requires, and this receipt.",
    # challenges: the jury page (ch-jury)
    "perm.challenge.judge": "Judge a challenge's entries",
    "perm.challenge.jury": "Run a challenge's jury (blind mode)",
    "jury.title": "Jury: {title}",
    "jury.keys": "Keys: j/k or →/← next/previous entry, 1-5 score it, n write a note, "
                 "Enter in the note saves.",
    "jury.blind_on": "Blind mode: names are hidden, and the other jurors' scores of an entry "
                     "stay hidden until you have scored it.",
    "jury.blind_off": "Open mode: names and every juror's scores are shown.",
    "jury.blind": "Blind mode", "jury.apply": "Apply",
    "jury.none": "No entry to judge: entries appear once triaged and their consent is complete.",
    "jury.entry": "Entry {id}", "jury.by": "by {name}", "jury.score": "Score",
    "jury.note": "Note", "jury.save": "Save", "jury.mine": "Your score: {score}",
    "jury.not_scored": "Not scored by you yet",
    "jury.others": "Other jurors: {n} scores, mean {mean}",
    "jury.others_none": "No other juror has scored it.",
    "jury.same_person": "Same person as (face matching, the entrants opted in):",
    "jury.file_missing": "This entry's video is missing on the server: whoever runs the "
    "challenge can put the file back or take it in again.",
    "jury.others_hidden": "Score it to see the other jurors' scores.",
    "jury.agreement": "Agreement between jurors",
    "jury.alpha": "Krippendorff's alpha (ordinal): {alpha}, {jurors} jurors on {entries} entries "
                  "(1 is full agreement, 0 no better than chance).",
    "jury.no_alpha": "Agreement is not measured yet: it needs two jurors scoring the same "
                     "entries, and scores that differ somewhere.",
    "jury.prev": "Previous", "jury.next": "Next",
    "jury.standings": "The jury's result", "jury.entry_col": "Entry",
    "jury.mean": "Mean score", "jury.jurors": "Jurors", "jury.spread": "Lowest–highest",
}

FR: dict[str, str] = {
    "app.name": "studio coulisses",
    "nav.campaigns": "Campagnes", "nav.rushes": "Rushes", "nav.cuts": "Montages",
    "nav.jobs": "Tâches", "nav.results": "Résultats", "nav.members": "Membres",
    "nav.workspaces": "Espaces", "nav.signout": "Se déconnecter", "nav.signin": "Se connecter",
    "nav.signup": "Créer un compte", "nav.language": "Langue", "nav.main": "Principal",
    "nav.skip": "Aller au contenu", "nav.account": "Compte",
    "auth.email": "E-mail", "auth.password": "Mot de passe", "auth.name": "Votre nom",
    "auth.workspace": "Nom de l'espace (votre marque ou client)",
    "auth.signin_title": "Connexion", "auth.signup_title": "Créer votre compte",
    "auth.signin": "Se connecter", "auth.signup": "Créer le compte",
    "auth.no_account": "Pas encore de compte ?", "auth.have_account": "Déjà un compte ?",
    "auth.bad_credentials": "E-mail ou mot de passe incorrect.",
    "auth.rate_limited": "Trop d'échecs de connexion : attendez 15 minutes puis réessayez.",
    "auth.slow_down": "Trop de tentatives depuis cet endroit : attendez {n} secondes puis "
                      "réessayez.",
    "auth.password_long": "Choisissez un mot de passe d'au plus {n} caractères.",
    "auth.password_common": "Ce mot de passe est trop facile à deviner : choisissez une phrase "
                            "plus longue, à vous.",
    "ws.member_invited": "Invitation envoyée, si un compte utilise cet e-mail : l'espace lui "
                         "est ouvert dès qu'il accepte.",
    "ws.invitations": "Invitations", "ws.invited_to": "{name}, comme {role}",
    "ws.accept": "Accepter", "ws.decline": "Refuser",
    "auth.password_short": "Choisissez un mot de passe d'au moins {n} caractères.",
    "auth.email_bad": "Saisissez une adresse e-mail valide.",
    "auth.email_taken": "Un compte existe déjà avec cet e-mail : connectez-vous.",
    "auth.name_missing": "Saisissez un nom.",
    "auth.password_help": "Au moins {n} caractères.",
    "auth.signed_out": "Vous êtes déconnecté.",
    "account.title": "Votre compte", "account.language": "Langue de l'interface",
    "account.save": "Enregistrer",
    "ws.title": "Vos espaces", "ws.new": "Nouvel espace", "ws.create": "Créer",
    "ws.name": "Nom", "ws.role": "Votre rôle", "ws.none": "Vous n'êtes dans aucun espace.",
    "ws.dashboard": "Vue d'ensemble", "ws.campaigns_count": "{n} campagne(s)",
    "ws.jobs_running": "{n} tâche(s) en attente ou en cours",
    "ws.members_title": "Membres", "ws.add_member": "Ajouter un membre",
    "ws.add": "Ajouter", "ws.member_email": "Son e-mail (il crée son compte d'abord)",
    "ws.member_added": "Membre ajouté.", "ws.member_unknown":
        "Aucun compte n'utilise cet e-mail : demandez-lui d'en créer un, puis ajoutez-le.",
    "ws.member_exists": "Cette personne est déjà membre.",
    "ws.change_role": "Changer le rôle", "ws.remove": "Retirer",
    "ws.last_owner": "Un espace garde au moins un propriétaire.",
    "ws.permissions": "Ce que chaque rôle peut faire", "ws.action": "Action",
    "role.owner": "Propriétaire", "role.editor": "Éditeur", "role.reviewer": "Relecteur",
    "role.client": "Client (voit, commente, valide)",
    "camp.title": "Campagnes", "camp.none": "Aucune campagne : importez un fichier de campagne.",
    "camp.import": "Importer une campagne", "camp.file": "Fichier de campagne (YAML)",
    "camp.paste": "…ou collez son texte", "camp.import_button": "Importer",
    "camp.export": "Télécharger le fichier", "camp.edit": "Modifier", "camp.save": "Enregistrer",
    "camp.delete": "Supprimer", "camp.plan": "Plan", "camp.calendar": "Calendrier",
    "camp.health": "Santé", "camp.results": "Résultats", "camp.overview": "Vue d'ensemble",
    "camp.version": "Version {n}", "camp.updated": "Modifiée le {when}",
    "camp.ics": "Télécharger le calendrier (ICS)",
    "camp.valid": "Le fichier de campagne est valide.",
    "camp.invalid": "Ce fichier n'est pas valide : {error}",
    "camp.findings_none": "Aucun constat : cette campagne semble saine.",
    "camp.line": "Ligne", "camp.severity": "Gravité", "camp.rule": "Règle",
    "camp.message": "Constat", "camp.deliverables": "Livrables",
    "camp.capture": "Listes de tournage", "camp.no_entries": "Rien à afficher.",
    "camp.conflict_title": "Quelqu'un a enregistré cette campagne entre-temps",
    "camp.conflict_text": "Rien n'a été écrasé. Sa version est enregistrée (version {n}) ; la "
                          "vôtre est ci-dessous : copiez ce qu'il vous faut, puis modifiez "
                          "à nouveau.",
    "camp.theirs": "Version enregistrée", "camp.yours": "Votre version",
    "camp.edit_again": "Modifier la version enregistrée", "camp.text": "Fichier de campagne",
    "camp.deleted": "Campagne supprimée.",
    "jobs.title": "Tâches", "jobs.none": "Aucune tâche.", "jobs.kind": "Type",
    "jobs.status": "État", "jobs.progress": "Avancement", "jobs.created": "Créée",
    "jobs.attempts": "Essais", "jobs.error": "Erreur", "jobs.result": "Résultat",
    "jobs.retry": "Relancer", "jobs.message": "En cours",
    "status.queued": "en attente", "status.running": "en cours", "status.done": "terminée",
    "status.failed": "échouée",
    "results.import": "Importer des statistiques",
    "results.files": "Fichiers d'export (CSV, XLSX ou XLS, tels que la plateforme les donne)",
    "results.files_help": "Jusqu'à {n} fichiers de {mb} Mo chacun, de TikTok, Instagram, "
        "Facebook, YouTube ou LinkedIn. Les publications sont rattachées à cette campagne "
        "par les légendes et heures de publication de ses livrables. Un fichier qui ne "
        "peut pas être importé ne change rien.",
    "results.as_of": "Jour du téléchargement des exports (par défaut : aujourd'hui)",
    "results.import_button": "Importer",
    "results.mapping_title": "{file} n'est pas un export connu de coulisses : vérifiez la "
        "correspondance devinée",
    "results.mapping_intro": "Chaque colonne du fichier, avec ce que coulisses pense qu'elle "
        "contient et pourquoi. Corrigez ce qui est faux, puis importez.",
    "results.mapping_missing": "Introuvable : {what}",
    "results.mapping_platform": "Plateforme de ces chiffres",
    "results.mapping_decimal": "Séparateur décimal",
    "results.mapping_date_format": "Format des dates, si elles commencent par le jour dans un "
        "fichier à point décimal (ex. %d/%m/%Y)",
    "results.mapping_column": "Colonne", "results.mapping_field": "Importée comme",
    "results.mapping_kind": "Lue comme", "results.mapping_why": "Pourquoi",
    "results.mapping_skip": "(non importée)", "results.mapping_check": "À vérifier :",
    "results.mapping_button": "Importer avec cette correspondance",
    "results.field.post_id": "l'identifiant de la publication",
    "results.field.url": "le lien de la publication", "results.field.caption": "la légende",
    "results.field.published_at": "date de publication",
    "results.field.day": "jour des chiffres",
    "results.imported": "{file} ({export}) : {rows} lignes, {new} valeurs nouvelles, "
        "{changed} mises à jour, {posts} publications ({matched} rattachées à une "
        "campagne).",
    "results.already": "{file} : déjà importé, rien n'a changé.",
    "results.warning": "À noter :",
    "results.title": "Résultats", "results.none":
        "Aucune statistique importée : importez les exports des plateformes ci-dessous "
        "(ou avec `coulisses kpi import`).",
    "results.for": "Résultats de {name}", "results.open": "Ouvrir le rapport complet",
    "error.title": "Un problème est survenu", "error.back": "Retour",
    "error.signin": "Se connecter", "error.not_found": "Cette page n'existe pas ici.",
    "error.method": "Cette action n'est pas disponible ici.",
    "error.too_large": "La requête dépasse les {size} que cette page accepte.",
    "error.no_files": "Cette page ne prend pas de fichiers.",
    "error.invalid": "La requête n'est pas valide : {detail}",
    "common.cancel": "Annuler", "common.actions": "Actions",
    # rushes, cuts, review and search pages
    "rush.title": "Rushes", "rush.none": "Aucun rush : envoyez le premier.",
    "rush.upload": "Envoyer des rushes", "rush.upload_title": "Envoyer des rushes",
    "rush.file": "Fichiers vidéo", "rush.send": "Envoyer",
    "rush.upload_help": "Les gros fichiers partent par morceaux et reprennent après une "
                        "coupure. Jusqu'à {mb} Mo par fichier.",
    "rush.progress": "Progression de l'envoi", "rush.retry": "Connexion perdue, reprise…",
    "rush.uploaded": "Envoyé.", "rush.name": "Nom", "rush.duration": "Durée",
    "rush.size": "Taille", "rush.status": "Analyse", "rush.open": "Ouvrir",
    "rush.thumb": "Vignette de {name}", "rush.player": "Lecteur de {name}",
    "rush.analyze": "Analyser ce rush", "rush.reanalyze": "Analyser à nouveau",
    "rush.analysing": "Analyse en cours…", "rush.failed": "L'analyse a échoué : {error}",
    "rush.transcript": "Transcription", "rush.no_speech": "Aucune parole trouvée.",
    "rush.timeline": "Chronologie", "rush.shots": "Plans", "rush.moments": "Moments",
    "rush.shot_n": "Plan {n} à {t}", "rush.moment_at": "Moment à {t} : {reason}",
    "rush.not_analysed": "Pas encore analysé.", "rush.delete": "Supprimer ce rush",
    "rush.deleted": "Rush supprimé.", "rush.facts": "{w}×{h}, {fps} i/s, {d}",
    "rush.seek": "Lire à partir de {t}",
    "status.uploaded": "non analysé", "status.analysing": "analyse en cours",
    "status.analysed": "analysé", "status.rendering": "rendu en cours",
    "search.title": "Chercher dans les rushes", "search.query": "Des mots ou une idée",
    "search.go": "Chercher", "search.none": "Rien trouvé pour « {q} ».",
    "search.hits": "{n} passage(s) pour « {q} »", "search.in": "dans {name} à {t}",
    "cut.title": "Montages", "cut.none": "Aucun montage : ouvrez un rush et lancez un rendu.",
    "cut.new": "Rendre un montage", "cut.cut_title": "Titre", "cut.platforms": "Plateformes",
    "cut.start": "Début (secondes)", "cut.end": "Fin (secondes)",
    "cut.captions": "Incruster des sous-titres mot à mot",
    "cut.reframe": "Recadrer pour suivre le sujet", "cut.preset": "Qualité",
    "cut.preset_final": "Finale", "cut.preset_draft": "Brouillon (rapide)",
    "cut.preset_master": "Master (le plus lent, fichiers les plus petits)",
    "cut.trim": "Raccourcir ce qui est trop long pour une plateforme",
    "cut.extend": "Prolonger ce qui est trop court pour une plateforme",
    "cut.render": "Lancer le rendu", "cut.rerender": "Rendre une nouvelle version",
    "cut.version": "Version {n}", "cut.versions": "Versions",
    "cut.variants": "Déclinaisons", "cut.qc": "Rapport de contrôle", "cut.qc_pass": "conforme",
    "cut.qc_fail": "non conforme", "cut.check": "Contrôle", "cut.expected": "Attendu",
    "cut.actual": "Mesuré", "cut.rendering": "Rendu en cours…",
    "cut.failed": "Le rendu a échoué : {error}", "cut.from": "D'après {name}",
    "cut.sheet": "Planche contact de la version {n}", "cut.download": "Télécharger",
    "cut.decision": "Décision", "cut.approve": "Valider",
    "cut.request_changes": "Demander des modifications", "cut.note": "Note (facultative)",
    "decision.pending": "en attente de relecture", "decision.approved": "validée",
    "decision.changes": "modifications demandées",
    "cut.decided": "{name} : {decision}",
    "cut.choose_platform": "Choisissez au moins une plateforme.",
    "review.comments": "Commentaires", "review.none": "Aucun commentaire.",
    "review.add": "Commenter", "review.body": "Votre commentaire", "review.at": "À (mm:ss)",
    "review.until": "Jusqu'à (mm:ss, pour un intervalle)",
    "review.at_now": "Au temps actuel", "review.range_end": "Finir l'intervalle ici",
    "review.send": "Envoyer le commentaire", "review.reply": "Répondre", "review.edit": "Modifier",
    "review.save": "Enregistrer", "review.resolve": "Résoudre", "review.reopen": "Rouvrir",
    "review.resolved": "résolu",
    "review.conflict": "Quelqu'un a modifié ce commentaire entre-temps : rien n'a été "
                       "écrasé. Son texte est affiché ; modifiez à nouveau si besoin.",
    "review.by": "{name} à {t}", "review.variant": "Déclinaison",
    "review.empty": "Écrivez d'abord quelque chose.",
    # look (issue 12): permission names, the QC result column, the report's source
    "cut.result": "Résultat", "results.source": "les statistiques de cet espace",
    "jobkind.analyze": "analyse", "jobkind.render": "rendu",
    "sev.error": "erreur", "sev.warning": "avertissement", "sev.info": "remarque",
    "ws.member_role": "Rôle",
    "jobs.made": "Pour", "jobs.open.analyze": "le rush analysé",
    "jobs.open.render": "la version de montage rendue",
    "jobs.counts": "{shots} plan(s), {words} mot(s), {moments} moment(s)",
    "perm.workspace.view": "Voir l'espace", "perm.campaign.view": "Voir les campagnes",
    "perm.rush.view": "Regarder les rushes", "perm.cut.view": "Regarder les montages",
    "perm.job.view": "Suivre les tâches", "perm.results.view": "Voir les résultats",
    "perm.comment.view": "Lire les commentaires", "perm.comment.create": "Commenter",
    "perm.comment.edit_own": "Modifier ses propres commentaires",
    "perm.cut.approve": "Valider ou demander des changements",
    "perm.campaign.import": "Importer des campagnes",
    "perm.campaign.edit": "Modifier les campagnes",
    "perm.campaign.delete": "Supprimer des campagnes",
    "perm.rush.upload": "Envoyer des rushes", "perm.rush.edit": "Analyser les rushes",
    "perm.rush.delete": "Supprimer des rushes", "perm.cut.create": "Créer des montages",
    "perm.cut.render": "Rendre de nouvelles versions",
    "perm.job.submit": "Lancer et relancer des tâches",
    "perm.results.import": "Importer des statistiques",
    "perm.member.manage": "Gérer les membres", "perm.workspace.manage": "Gérer l'espace",
    # permissions ajoutées par le tableau, la revue, la publication et les coulisses (12-14)
    "form.time_hint": "HH:MM",
    "perm.account.connect": "Connecter des comptes de publication",
    "perm.backstage.moderate": "Modérer la page coulisses",
    "perm.backstage.preview": "Prévisualiser la page coulisses",
    "perm.backstage.publish": "Publier la page coulisses",
    "perm.comment.delete_any": "Supprimer les commentaires de tous",
    "perm.cut.delete": "Supprimer des montages",
    "perm.cut.share": "Partager des liens de revue",
    "perm.post.approve": "Valider les publications",
    "perm.post.edit": "Programmer et modifier les publications",
    "perm.post.view": "Voir la file de publication",
    "perm.rush.tag": "Étiqueter les rushes", "perm.trash.restore": "Restaurer depuis la corbeille",
    # board12: the board, the calendar, client review links, notifications
    **i18n_board.FR,
    # --- issue 12, review12: trash and safe deletes, review, rush editor, campaign forms ---
    "trash.title": "Corbeille", "trash.empty": "La corbeille est vide.",
    "trash.help": "Les campagnes, rushes, montages et commentaires supprimés attendent ici "
                  "{days} jours avant d'être effacés pour de bon ; restaurez ce qui a été "
                  "supprimé par erreur.",
    "trash.what": "Quoi", "trash.deleted_on": "Supprimé le", "trash.restore": "Restaurer",
    "trash.restored": "Restauré.",
    "trash.confirm_title": "Supprimer cet élément ({what}) ?",
    "trash.confirm_text": "Il part dans la corbeille, d'où un propriétaire ou un éditeur peut "
                          "le restaurer pendant {days} jours.",
    "trash.confirm_final": "Cette personne perd aussitôt l'accès à l'espace ; invitez-la à "
                           "nouveau pour annuler.",
    "trash.confirm_button": "Oui, supprimer", "trash.kind.campaign": "campagne",
    "trash.kind.rush": "rush", "trash.kind.cut": "montage", "trash.kind.comment": "commentaire",
    "trash.kind.member": "membre",
    "review.delete": "Supprimer", "cut.delete": "Supprimer ce montage",
    "review.decide_for": "Décision pour", "review.whole_version": "Toute la version",
    "review.open_threads": "{n} commentaire(s) encore non résolu(s).",
    "review.unresolved_title": "Valider malgré des commentaires non résolus ?",
    "review.unresolved_text": "{n} commentaire(s) de cette version ne sont pas encore "
                              "résolus. Validez quand même, ou revenez les résoudre d'abord.",
    "review.approve_anyway": "Valider quand même", "review.see_comments": "Voir les commentaires",
    "review.qc_count": "({ok} déclinaison(s) conforme(s) sur {n})", "review.result": "Résultat",
    "review.compare_with": "Comparer avec", "review.compare": "Comparer côte à côte",
    "review.comparing": "Version {a} et version {b} côte à côte",
    "review.compare_stop": "Arrêter la comparaison",
    "rush.lane_shots": "Plans", "rush.lane_speech": "Parole", "rush.lane_faces": "Visages",
    "rush.lane_moments": "Moments", "rush.face_n": "Visage {n} à l'écran",
    "rush.speaker_n": "Locuteur {n}", "rush.speaker_unknown": "Locuteur non vu",
    "rush.transcript_help": "Cliquez sur un mot pour lire à partir de lui ; sélectionnez des "
                            "mots (ou cliquez sur l'un, puis Maj+clic sur un autre) pour en "
                            "faire l'entrée et la sortie du montage.",
    "rush.inout": "Points d'entrée et de sortie", "rush.in": "Entrée (mm:ss.ff)",
    "rush.out": "Sortie (mm:ss.ff)", "rush.set_in": "Entrée ici (I)",
    "rush.set_out": "Sortie ici (O)",
    "rush.inout_help": "Depuis le lecteur : mettez en pause au début du montage et appuyez "
                       "sur I, à la fin et appuyez sur O.",
    "forms.tab": "Formulaires",
    "forms.sections": "Parties de la campagne",
    "forms.help": (
        "Chaque formulaire écrit le fichier de campagne lui-même : ses "
        "commentaires et sa mise en page sont gardés, et il est vérifié avant "
        "d'être enregistré."),
    "forms.save": "Enregistrer",
    "forms.remove": "Retirer",
    "forms.add": "En ajouter un",
    "forms.add_button": "Ajouter",
    "forms.list_hint": "(séparés par des virgules)",
    "forms.item": "élément de la campagne",
    "forms.confirm_remove": (
        "Il est retiré du fichier de campagne (téléchargez d'abord le fichier "
        "pour en garder une copie)."),
    "forms.located": "Problèmes à leur ligne",
    "forms.located_help": "Chaque problème est montré sous sa ligne du fichier.",
    "forms.located_none": "Aucun problème trouvé à aucune ligne.",
    "forms.goto_line": "Aller à la ligne {n}",
    "forms.section.beats": "Temps forts",
    "forms.section.episodes": "Épisodes",
    "forms.section.bts": "Coulisses",
    "forms.section.people": "Personnes et consentement",
    "forms.section.shoot_days": "Jours de tournage",
    "forms.section.platforms": "Plateformes",
    "forms.section.kpis": "Objectifs des KPI",
    "forms.field.id": "Identifiant",
    "forms.field.title": "Titre",
    "forms.field.summary": "Résumé",
    "forms.field.after": "Vient après (identifiants de temps forts)",
    "forms.field.number": "Numéro",
    "forms.field.beats": "Temps forts du récit (identifiants)",
    "forms.field.duration_s": "Durée prévue (secondes)",
    "forms.field.shoot_day": "Jour de tournage (identifiant)",
    "forms.field.people": "Personnes à l'écran (identifiants)",
    "forms.field.capture": "Ce qu'il faut filmer",
    "forms.field.kind": "Type",
    "forms.field.style": "Style de captation",
    "forms.field.name": "Nom",
    "forms.field.role": "Rôle",
    "forms.field.minor": "Mineur (consentement d'un représentant légal requis)",
    "forms.field.consent": "Consentement",
    "forms.field.date": "Date",
    "forms.field.location": "Lieu (identifiant)",
    "forms.field.call": "Heure de convocation (HH:MM)",
    "forms.field.wrap": "Heure de fin (HH:MM)",
    "forms.field.notes": "Notes",
    "forms.field.platform": "Plateforme (identifiant)",
    "forms.field.tone": "Ton",
    "forms.field.publish_time": "Heure de publication habituelle (HH:MM)",
    "forms.field.metric": "Indicateur",
    "forms.field.comparator": "Comparaison",
    "forms.field.target": "Objectif chiffré",
    "forms.field.unit": "Unité",
    "forms.field.scope": "Compté sur",
    "forms.field.by": "Atteint le (date)",
    # --- end of issue 12, review12 ---
    # publishing accounts (issue 13, pub13c): an account whose tokens stopped working
    "pub.reconnect": "à reconnecter (connectez-le à nouveau sous le même nom)",
    "pub.renew_by": "son jeton n'est pas renouvelable : reconnectez-le avant le {day}, sinon "
                    "ses publications attendent",
    # publishing (issue 13): the publishing page, its calendar, queue and accounts
    "nav.publishing": "Publication",
    "pub.title": "Publication", "pub.calendar": "Calendrier", "pub.previous": "Précédent",
    "pub.next": "Suivant", "pub.today": "Aujourd’hui", "pub.month": "Mois",
    "pub.week": "Semaine", "pub.week_of": "semaine du {day}",
    "pub.weekdays": "lun.,mar.,mer.,jeu.,ven.,sam.,dim.",
    "pub.ics": "Fichier calendrier (.ics)", "pub.zone": "Fuseau horaire",
    "pub.show": "Afficher", "pub.schedule_on": "Programmer une publication le {day}",
    "pub.queue": "File d’attente", "pub.queue_empty": "Rien n’attend d’être publié.",
    "pub.ended": "Terminées récemment", "pub.when": "Quand", "pub.account": "Compte",
    "pub.state": "État", "pub.step": "Étape", "pub.answer": "Réponse de la plateforme",
    "pub.link": "Lien", "pub.schedule": "Programmer une publication",
    "pub.variant": "Montage approuvé (variante)", "pub.day": "Jour", "pub.time": "Heure",
    "pub.caption": "Légende", "pub.first_comment": "Premier commentaire",
    "pub.force": "Publier de nouveau cette vidéo sur ce compte (elle y était déjà programmée)",
    "pub.schedule_button": "Programmer en brouillon",
    "pub.draft_hint": "Une nouvelle publication est un brouillon : elle part à son heure une "
                      "fois sa légende et ses options approuvées.",
    "pub.nothing_to_schedule": "Pour programmer, connectez un compte et approuvez un montage "
                               "dont le contrôle qualité est passé.",
    "pub.accounts": "Comptes", "pub.no_accounts": "Aucun compte connecté pour l’instant.",
    "pub.sandbox": "bac à sable", "pub.platform": "Plateforme",
    "pub.account_name": "Nom du compte",
    "pub.sandbox_url": "Adresse du bac à sable (pour répéter ; vide pour la vraie plateforme)",
    "pub.manual": "Canal manuel : sans API, publier à la main depuis un dossier prêt",
    "pub.connect": "Connecter", "pub.post": "Publication", "pub.options": "Options",
    "pub.approval": "Approbation", "pub.approved_by": "approuvée par {name}",
    "pub.not_approved": "pas encore approuvée",
    "pub.not_asked": "non demandée (programmée en ligne de commande ou par import)",
    "pub.attempts": "Tentatives",
    "pub.approve": "Approuver la légende et les options", "pub.retry": "Réessayer",
    "pub.cancel": "Annuler cette publication", "pub.move": "Déplacer vers un autre créneau",
    "pub.move_button": "Déplacer", "pub.edit": "Modifier", "pub.save": "Enregistrer",
    "pub.options_help": "Options, une CLÉ=VALEUR par ligne",
    "pub.edit_hint": "Enregistrer une modification repasse la publication en brouillon, à "
                     "approuver de nouveau.",
    "pub.history": "Historique", "pub.kind": "Type", "pub.detail": "Détail",
    "pub.done.scheduled": "Programmée en brouillon : approuvez-la pour qu’elle parte.",
    "pub.done.moved": "Déplacée.", "pub.done.approved": "Approuvée : elle part à son heure.",
    "pub.done.edited": "Enregistrée : approuvez-la de nouveau pour qu’elle parte.",
    "pub.done.retried": "Remise dans la file.", "pub.done.cancelled": "Annulée.",
    "pub.done.connected": "Compte connecté.",
    "pub.continue": "Continuer vers {platform}",
    "pub.continue_help": "{platform} vous demande de vous connecter et d’approuver coulisses ; "
                         "vous revenez ici ensuite.",
    "pub.state.draft": "brouillon", "pub.state.scheduled": "programmée",
    "pub.state.publishing": "en cours de publication", "pub.state.published": "publiée",
    "pub.state.failed": "échouée", "pub.state.needs_attention": "à vérifier",
    "pub.state.cancelled": "annulée",
    # publishing metrics (issue 13, metrics13): sync a workspace's posts, show their numbers
    "pub.sync": "Synchroniser les statistiques",
    "pub.sync_hint": "Lit les derniers chiffres des publications auprès de leurs plateformes.",
    "pub.done.sync_queued": "Synchronisation lancée : les chiffres s’affichent ici une fois "
                            "terminée.",
    "pub.sync_running": "Une synchronisation des statistiques est en cours (rechargez pour "
                        "la voir terminée).",
    "pub.sync_job": "sa tâche", "pub.sync_failed": "La dernière synchronisation a échoué :",
    "pub.sync_done": "Dernière synchronisation : {n} publication(s) lue(s).",
    "pub.sync_problem": "non lu :", "jobkind.sync_metrics": "synchronisation des statistiques",
    "jobs.open.sync_metrics": "la page de publication",
    "pub.numbers": "Chiffres", "pub.not_synced": "pas encore synchronisée",
    "pub.synced_at": "synchronisé le {when}", "pub.n.views": "vues",
    "pub.n.likes": "j’aime", "pub.n.comments": "commentaires", "pub.n.shares": "partages",
    "pub.n.watch_time_s": "temps de visionnage", "pub.n.minutes": "{n} min",
    # --- backstage (issue 14): public page, polls, comments, moderation ---
    "bs.tab": "Page coulisses", "bs.kicker": "Dans les coulisses",
    "bs.preview_note": "Aperçu : voici ce que voient les visiteurs. Le vote et les "
                       "commentaires sont désactivés ici.",
    "bs.changed": "Ce que nous avons changé grâce à vous", "bs.cuts": "Les coulisses",
    "bs.beats": "L'histoire jusqu'ici", "bs.days": "Jours de tournage",
    "bs.updates": "Nouvelles", "bs.comments": "Commentaires", "bs.vote": "Voter",
    "bs.working": "Vérification de votre vote…",
    "bs.needs_js": "Le vote a besoin de JavaScript : il résout une petite énigme qui écarte "
                   "les robots.",
    "bs.results": "Résultats", "bs.excluded": "{n} votes n'ont pas été comptés :",
    "bs.poll.upcoming": "Ouvre le {opens}.", "bs.poll.open": "Ouvert jusqu'au {closes}.",
    "bs.poll.closed": "Fermé le {closes}.",
    "bs.results_live": "Les résultats s'affichent en direct", "bs.results_after_vote":
        "Les résultats s'affichent une fois que vous avez voté", "bs.results_after_close":
        "Les résultats s'affichent à la clôture du sondage",
    "bs.msg.counted": "Merci : votre vote a été compté.",
    "bs.msg.forged_cookie": "Votre vote n'a pas été compté : le cookie de vote de ce "
                            "navigateur a été modifié.",
    "bs.msg.already_voted": "Votre vote n'a pas été compté : vous avez déjà voté à ce "
                            "sondage.",
    "bs.msg.too_fast": "Votre vote n'a pas été compté : il est arrivé plus vite qu'une "
                       "personne ne lit les choix.",
    "bs.msg.address": "Votre vote n'a pas été compté : beaucoup de votes viennent de votre "
                      "connexion, et bien plus d'entre eux vont à ce choix que les votes de "
                      "tous les autres. Ses autres votes pour ce choix ne sont pas comptés "
                      "non plus.",
    "bs.msg.network": "Votre vote n'a pas été compté : beaucoup de votes viennent de votre "
                      "réseau, et bien plus d'entre eux vont à ce choix que les votes de tous "
                      "les autres. Ses autres votes pour ce choix ne sont pas comptés non "
                      "plus.",
    "bs.msg.velocity": "Votre vote n'a pas été compté : des votes arrivent trop vite de votre "
                       "réseau.",
    "bs.msg.burst": "Votre vote n'a pas été compté : il est arrivé dans une vague soudaine de "
                    "votes pour le même choix, que nous écartons.",
    "bs.msg.comment_visible": "Merci : votre commentaire est publié.",
    "bs.msg.comment_held": "Merci : votre commentaire paraîtra une fois lu par l'équipe.",
    "bs.msg.reported": "Merci : l'équipe va regarder ce commentaire.",
    "bs.reason.forged_cookie": "cookie modifié", "bs.reason.already_voted": "second vote",
    "bs.reason.too_fast": "trop rapide", "bs.reason.address": "une même connexion, à sens unique",
    "bs.reason.network": "un même réseau, à sens unique", "bs.reason.velocity": "rythme du réseau",
    "bs.reason.burst": "vague de votes",
    # poll e-mail verification (issue 14, pollmail14)
    "bs.reason.unverified": "non confirmé par e-mail",
    "bs.reason.email_used": "adresse e-mail déjà utilisée",
    "bs.reason.replaced": "revoté avant de confirmer",
    "bs.msg.replaced": "Ce vote a été remplacé par un vote plus récent de ce navigateur : "
                       "ouvrez le lien du dernier e-mail.",
    "bs.msg.unverified": "Presque fini : nous vous avons envoyé un e-mail. Votre vote compte dès "
                         "que vous ouvrez le lien qu'il contient (sous 24 heures, avant la "
                         "clôture du sondage).",
    "bs.msg.email_used": "Votre vote n'a pas été compté : un vote confirmé depuis cette adresse "
                         "e-mail compte déjà dans ce sondage.",
    "bs.msg.verified": "Merci : votre vote est confirmé et compte.",
    "bs.mail.why": "Ce sondage ne compte que les votes confirmés par e-mail. Nous vous envoyons "
                   "un lien ; votre adresse n'est gardée que sous forme de code brouillé, effacé "
                   "après le sondage.",
    "bs.mail.label": "Votre adresse e-mail",
    "bs.mail.results": "Seuls les votes confirmés par e-mail sont comptés ; ceux qui ne sont "
                       "pas encore confirmés ne le sont pas.",
    "bs.mail.verify": "Enjeu important : ne compter un vote qu'une fois confirmé par e-mail",
    "bs.mail.verify_hint": "Les votants donnent une adresse e-mail et ouvrent le lien envoyé ; "
                           "un vote compte par adresse. Demande les réglages e-mail du studio.",
    "bs.mail.verified_only": "votes confirmés par e-mail",
    "bs.anonymous": "Anonyme", "bs.report": "Signaler", "bs.team": "équipe",
    "bs.no_comments": "Pas encore de commentaire.", "bs.name": "Votre nom (facultatif)",
    "bs.your_comment": "Votre commentaire", "bs.send": "Envoyer",
    "bs.privacy": "Ni traceur ni publicité. Un cookie retient votre vote sur cette page ; "
                  "votre connexion n'est gardée que sous forme de code brouillé, effacé après "
                  "le sondage.",
    "bs.is_published": "Publiée à l'adresse", "bs.is_private": "Non publiée : personne hors "
                                                               "de l'espace ne la voit.",
    "bs.preview": "Aperçu visiteur", "bs.moderation": "Modération",
    "bs.left_out": "Non affiché sur la page :", "bs.publish": "Publier",
    "bs.unpublish": "Dépublier", "bs.settings": "Réglages", "bs.title": "Titre",
    "bs.intro": "Introduction", "bs.lang": "Langue de la page",
    "bs.moderation_mode": "Commentaires",
    "bs.mod_pre": "lus par l'équipe avant de paraître",
    "bs.mod_post": "paraissent tout de suite (les retenues automatiques s'appliquent)",
    "bs.show_places": "Montrer où nous tournons",
    "bs.words_en": "Mots bloqués, anglais (séparés par des virgules)",
    "bs.words_fr": "Mots bloqués, français (séparés par des virgules)",
    "bs.save": "Enregistrer", "bs.reveal": "Ce que la page dévoile",
    "bs.none": "Rien pour l'instant.",
    "bs.bts_item": "Élément des coulisses (pour la vérification des droits)",
    "bs.rights_closed": "droits non levés", "bs.rights_clear": "droits levés",
    "bs.no_cuts": "Aucun montage approuvé.", "bs.update_text": "Texte",
    "bs.update_kind": "Type", "bs.add": "Ajouter", "bs.polls": "Sondages",
    "bs.question": "Question", "bs.state": "État", "bs.opens": "Ouverture ({zone})",
    "bs.closes": "Clôture ({zone})", "bs.results_when": "Afficher les résultats",
    "bs.retention": "Garder les données de contrôle des votes après la clôture (jours)",
    "bs.option": "Choix {n}", "bs.label": "Libellé", "bs.kind": "Type",
    "bs.kind_text": "texte", "bs.kind_clip": "extrait", "bs.kind_cover": "couverture",
    "bs.kind_still": "photo", "bs.source": "Source", "bs.clip_start": "Début de l'extrait (s)",
    "bs.clip_end": "Fin de l'extrait (s)", "bs.create_poll": "Créer le sondage",
    "bs.download_log": "Télécharger le journal de modération (CSV)",
    "bs.shortcuts": "Touches sur une ligne active : a approuver, d refuser, b refuser et "
                    "bloquer, t faire confiance, x sélectionner, j/k suivante/précédente.",
    "bs.select": "Sélectionner", "bs.why": "Pourquoi retenu",
    "bs.queue_empty": "Rien en attente.",
    "bs.act_approve": "Approuver", "bs.act_decline": "Refuser",
    "bs.act_block": "Refuser et bloquer", "bs.act_trust": "Faire confiance",
    "bs.published_comments": "Commentaires publiés", "bs.reply": "Répondre au nom de l'équipe",
    "bs.hold.queue": "modération a priori", "bs.hold.link": "un lien",
    "bs.hold.blocked_word": "un mot bloqué", "bs.hold.repeated": "texte répété",
    "bs.hold.burst": "beaucoup de commentaires d'un coup",
    "bs.hold.reported": "signalé par des visiteurs", "bs.hold.forged_cookie": "cookie modifié",
    # --- backstage, second part (issue 14): decision log, conversation map, KPIs ---
    "bs.map": "Carte de la conversation", "bs.decisions": "Journal des décisions",
    "bs.map_summary": "{n} commentaires, dont {open} sans réponse, en {groups} groupes.",
    "bs.map_votes": "{n} votes comptés, {x} exclus", "bs.map_groups": "De quoi les gens parlent",
    "bs.map_group": "{n} commentaires, {open} sans réponse",
    "bs.map_on_poll": "sur « {question} » ({n} votes)",
    "bs.unanswered": "Sans réponse :", "bs.held": "en attente de modération",
    "bs.decide_theme": "Noter une décision sur ce groupe",
    "bs.decide_poll": "Le sondage tranché (et l’option gagnante)",
    "bs.decide_no_winner": "pas de gagnant unique",
    "bs.decide_theme_label": "Groupe de la conversation",
    "bs.decide_answers": "répond à {n} commentaires", "bs.decision": "Ce que nous avons décidé",
    "bs.reason": "Pourquoi", "bs.decide_cut": "Le montage qui en est sorti",
    # --- conversation map: what most agree on, what divides them (issue 14, map14) ---
    "bs.map_agree": "Ce sur quoi la plupart s’accordent", "bs.map_divide": "Ce qui les divise",
    "bs.map_agree_for": "{label} : {share} % des {n} qui ont pris parti sont pour",
    "bs.map_agree_against": "{label} : {share} % des {n} qui ont pris parti sont contre",
    "bs.map_agree_poll": "« {question} » : la plupart ont choisi « {option} » ({share} % "
                         "des {n} votes pour les deux premières options)",
    "bs.map_divide_theme": "{label} : {pro} % pour, {con} % contre, sur {n} qui ont pris "
                           "parti",
    "bs.map_divide_poll": "« {question} » : « {option} » {share} %, « {other} » {rest} % "
                          "({n} votes)",
    "bs.map_stance_none": "Rien de net pour l’instant : trop peu de commentaires ont pris "
                          "parti, ou les avis penchent sans majorité claire.",
    "bs.map_stance_how": "Lu dans les mots de chaque commentaire (pour les commentaires en "
                         "anglais, aussi dans leur proximité avec des phrases simples pour et "
                         "contre) et dans les deux premières options des sondages ; les petits "
                         "nombres ne disent rien.",
    "bs.map_group_stance": "{pro} pour, {con} contre",
    "bs.decide_public": "L’afficher sur la page publique", "bs.decide": "Noter la décision",
    "bs.timeline": "Chronologie", "bs.decide_private": "équipe seulement",
    "bs.winner": "« {option} » l’a emporté",
    "bs.theme": "Suite à la conversation sur : {theme}",
    "bs.resulting_cut": "Montage qui en résulte : {title}",
    "bs.votes_then": "{n} votes au moment de décider",
    # --- platform polls (issue 14, polls14): sent through the publish connectors ---
    "bs.source.typed": "saisi à la main", "bs.source.api": "lu par l'API de la plateforme",
    "bs.pp_sent": "Envoyé comme :", "bs.pp_post": "publication {id}, {state}",
    "bs.pp_read": "Relire les résultats des plateformes",
    "bs.pp_li_account": "Compte LinkedIn", "bs.pp_duration": "Durée du sondage LinkedIn",
    "bs.pp_d.ONE_DAY": "1 jour", "bs.pp_d.THREE_DAYS": "3 jours",
    "bs.pp_d.SEVEN_DAYS": "1 semaine", "bs.pp_d.FOURTEEN_DAYS": "2 semaines",
    "bs.pp_text": "Texte de la publication LinkedIn (vide : la question)",
    "bs.pp_send_li": "Envoyer comme sondage LinkedIn (2 à 4 options de 30 caractères au plus)",
    "bs.pp_ig_post": "Reel Instagram encore programmé",
    "bs.pp_ig_hint": "Instagram n'accepte un sondage de légende qu'à la création de la "
                     "publication : sa légende est la question, et Instagram donne des parts, "
                     "donc ses votes sont estimés.",
    "bs.pp_attach_ig": "Joindre comme sondage de légende",
    "bs.cut_kpis": "Ce qu'a donné le montage qui en est issu depuis sa publication :",
    "bs.cut_kpis_at": "(synchronisé le {when})",
    "bs.platform_tallies": "Sur les autres plateformes",
    "bs.platform_note": "Ce que le même sondage a compté sur une plateforme (un sondage en "
                        "story Instagram, un sondage LinkedIn), saisi par l’équipe ou lu par son "
                        "API. Affiché à "
                        "côté du résultat de la page, jamais ajouté à lui.",
    "bs.platform_public": "Compté par chaque plateforme, saisi par l’équipe ou lu par son "
                          "API ; non vérifié "
                          "comme les votes ci-dessus, et non ajouté à eux.",
    "bs.channel": "Plateforme", "bs.channel.instagram_story": "Story Instagram",
    "bs.channel.instagram": "Instagram", "bs.channel.tiktok": "TikTok",
    "bs.channel.youtube": "YouTube", "bs.channel.linkedin": "LinkedIn",
    "bs.channel.facebook": "Facebook", "bs.channel.x": "X",
    "bs.estimated": "estimé", "bs.votes_for": "Votes pour « {option} »",
    "bs.estimated_box": "Estimé (la plateforme ne montre que des pourcentages)",
    "bs.embed": "Sites autorisés à intégrer la page et ses sondages (un par ligne)",
    "bs.embed_hint": "Écrivez chacun sous la forme https://exemple.fr. Personne ne peut intégrer "
                     "la page si la liste est vide. Voter dans une intégration ne marche que si "
                     "le navigateur du visiteur y accepte les cookies du studio.",
    # --- issue 12, studio12b: review time codes, French all the way ---
    "review.time_hint": "Temps en mm:ss ou hh:mm:ss.ff (75,5 secondes convient aussi).",
    "cal.legend": "Types de dates",
    "cal.kinds.shoot": "jour de tournage", "cal.kinds.due": "échéance",
    "cal.kinds.publish": "publication prévue",
    "choice.kind.preparation": "préparation", "choice.kind.craft": "savoir-faire",
    "choice.kind.effort": "effort", "choice.kind.failure": "raté",
    "choice.kind.doubt": "doute", "choice.kind.laughter": "rires",
    "choice.kind.teaser": "teaser", "choice.kind.reveal": "dévoilement",
    "choice.style.raw": "brut", "choice.style.spontaneous": "spontané",
    "choice.style.staged": "mis en scène", "choice.style.polished": "soigné",
    "choice.role.talent": "talent", "choice.role.crew": "équipe",
    "choice.role.extra": "figurant",
    "choice.consent.granted": "accordé", "choice.consent.pending": "en attente",
    "choice.consent.refused": "refusé", "choice.consent.none": "aucun",
    "choice.scope.all": "tout", "choice.scope.campaign": "campagne",
    "choice.scope.bts": "coulisses",
    "forms.section.deliverables": "Livrables", "forms.field.format": "Format",
    "forms.field.publish": "Date de publication", "forms.field.due": "Échéance",
    "forms.field.status": "État", "forms.field.caption": "Légende ou accroche",
    "choice.status.planned": "prévu", "choice.status.in-edit": "en montage",
    "choice.status.in-review": "en relecture", "choice.status.approved": "validé",
    "choice.status.published": "publié",
    # --- end of issue 12, studio12b ---
    # --- challenge intake (issue 15, ch-intake): team page, public submission, parent, withdrawal
    "perm.challenge.manage": "Ouvrir les défis et lire leur registre des consentements",
    "jobkind.challenge_purge": "effacement d'une participation",
    "jobs.open.challenge_purge": "le défi",
    "ch.tab": "Défis", "ch.none": "Ce fichier de campagne n'a pas de section challenges.",
    "ch.is_open": "Participations ouvertes à", "ch.is_closed": "Participations fermées.",
    "ch.open": "Ouvrir les participations", "ch.close": "Fermer les participations",
    "ch.counts": ("{complete} au consentement complet, {pending} en attente d'un parent, "
                  "{missing} sans consentement, {withdrawn} retirées"),
    "ch.consent_log": "Télécharger le registre des consentements (CSV)",
    "ch.entries": "Participations", "ch.shown": "les {n} plus récentes sur {total}",
    "ch.col.entry": "Participation", "ch.col.age": "Tranche d'âge",
    "ch.col.consent": "Consentement", "ch.col.status": "État",
    "ch.col.hiring": "Embauche d'un mineur",
    "ch.consent.missing": "manquant", "ch.consent.pending_parent": "en attente d'un parent",
    "ch.consent.complete": "complet", "ch.consent.withdrawn": "retiré",
    "ch.status.received": "reçue", "ch.status.triaged": "triée",
    "ch.status.failed": "en échec", "ch.status.withdrawn": "retirée",
    "ch.status.purged": "effacée",
    "ch.cleared": "autorisations enregistrées", "ch.not_cleared": "autorisations manquantes",
    "ch.clear": "Enregistrer les autorisations", "ch.unclear": "Annuler",
    "ch.not_needed": "non requis",
    "chp.kicker": "Appel à participations", "chp.brief": "Ce qu'il faut faire",
    "chp.rules": "Règlement",
    "chp.limits": "Acceptés : {formats}, {seconds} secondes au plus, moins de 4 Go.",
    "chp.sent": "Merci : votre participation est bien arrivée. Nous vous avons envoyé un "
                "message avec un lien pour la retirer à tout moment.",
    "chp.sent_parent": "Elle attend la confirmation de votre parent : nous lui avons envoyé "
                       "un lien.",
    "chp.retry": "Connexion perdue, reprise...", "chp.sending": "Envoi de votre vidéo :",
    "chp.choose": "Choisissez d'abord votre vidéo.", "chp.video": "Votre vidéo",
    "chp.file": "Fichier vidéo", "chp.link": "Lien vers une publication publique (facultatif)",
    "chp.about": "À propos de vous", "chp.name": "Nom ou pseudo affiché (facultatif)",
    "chp.age": "Tranche d'âge", "chp.pick": "Choisir", "chp.country": "Pays",
    "chp.city": "Ville",
    "chp.email": "Votre e-mail (pour la confirmation et le lien de retrait)",
    "chp.parent_email": "L'e-mail d'un parent (moins de 15 ans)",
    "chp.parent_hint": "Avant 15 ans, votre participation attend qu'un parent la confirme "
                       "depuis un lien que nous lui envoyons.",
    "chp.band.under-13": "moins de 13 ans", "chp.band.13-14": "13 à 14 ans",
    "chp.band.15": "15 ans", "chp.band.16-17": "16 à 17 ans",
    "chp.band.18-24": "18 à 24 ans", "chp.band.25-34": "25 à 34 ans",
    "chp.band.35-49": "35 à 49 ans", "chp.band.50+": "50 ans et plus",
    "chp.consents": "Votre consentement, point par point",
    "chp.face_matching": "Facultatif : autoriser la comparaison de mon visage entre les "
                         "participations (donnée biométrique ; désactivée sauf si vous "
                         "cochez).",
    "chp.withdraw_note": "Vous pouvez retirer votre participation à tout moment depuis le "
                         "lien de votre message de confirmation.",
    "chp.send": "Envoyer ma participation",
    "chp.parent.intro": "Votre enfant a envoyé la participation {id}. Avant 15 ans, personne "
                        "ne la voit tant que vous ne l'avez pas confirmée. Voici les "
                        "conditions qu'il a acceptées :",
    "chp.parent.agree": "J'accepte, conjointement avec mon enfant",
    "chp.parent.refuse": "Je refuse : retirer la participation",
    "chp.parent.confirmed": "Merci : votre consentement est enregistré et l'équipe peut "
                            "désormais voir la participation.",
    "chp.parent.given": "Votre consentement était déjà enregistré : rien de plus à faire.",
    "chp.parent.refused": "C'est noté : la participation est retirée et ses données seront "
                          "effacées dans la journée.",
    "chp.parent.withdrawn": "Cette participation a été retirée : plus rien à confirmer.",
    "chp.withdraw_intro": "Retirer la participation {id} ? Elle quitte aussitôt la galerie, "
                          "la présélection et tout vote ; ses données sont effacées dans la "
                          "journée.",
    "chp.withdraw": "Retirer ma participation",
    "chp.withdrawn_now": "Votre participation est retirée.",
    "chp.withdrawn_already": "Cette participation est retirée.",
    "chp.purge_soon": "Ses données seront effacées dans la journée ; le reçu d'effacement "
                      "apparaîtra ici et vous sera envoyé par e-mail.",
    "chp.receipt": "Reçu d'effacement", "chp.receipt_id": "Reçu :",
    "chp.receipt_when": "Effacé le {when} :",
    "chp.receipt_kept": "Conservé : le registre des consentements (ce qui a été accepté et "
                        "quand), comme la loi l'exige, et ce reçu.",
    # challenges : la page du jury (ch-jury)
    "perm.challenge.judge": "Juger les participations d'un challenge",
    "perm.challenge.jury": "Animer le jury d'un challenge (mode à l'aveugle)",
    "jury.title": "Jury : {title}",
    "jury.keys": "Touches : j/k ou →/← participation suivante/précédente, 1-5 la noter, "
                 "n écrire une remarque, Entrée dans la remarque enregistre.",
    "jury.blind_on": "Mode à l'aveugle : les noms sont masqués, et les notes des autres jurés "
                     "restent masquées tant que vous n'avez pas noté la participation.",
    "jury.blind_off": "Mode ouvert : les noms et les notes de tous les jurés sont visibles.",
    "jury.blind": "Mode à l'aveugle", "jury.apply": "Appliquer",
    "jury.none": "Aucune participation à juger : elles apparaissent une fois triées et leur "
                 "consentement complet.",
    "jury.entry": "Participation {id}", "jury.by": "par {name}", "jury.score": "Note",
    "jury.note": "Remarque", "jury.save": "Enregistrer", "jury.mine": "Votre note : {score}",
    "jury.not_scored": "Pas encore notée par vous",
    "jury.others": "Autres jurés : {n} notes, moyenne {mean}",
    "jury.others_none": "Aucun autre juré ne l'a notée.",
    "jury.same_person": "Même personne que (comparaison des visages acceptée par les "
    "participants) :",
    "jury.file_missing": "La vidéo de cette participation manque sur le serveur : la personne "
    "qui mène l'appel peut remettre le fichier ou le reprendre.",
    "jury.others_hidden": "Notez-la pour voir les notes des autres jurés.",
    "jury.agreement": "Accord entre les jurés",
    "jury.alpha": "Alpha de Krippendorff (ordinal) : {alpha}, {jurors} jurés sur {entries} "
                  "participations (1 : accord total, 0 : pas mieux que le hasard).",
    "jury.no_alpha": "L'accord n'est pas encore mesuré : il faut deux jurés notant les mêmes "
                     "participations, et des notes qui diffèrent quelque part.",
    "jury.prev": "Précédente", "jury.next": "Suivante",
    "jury.standings": "Le résultat du jury", "jury.entry_col": "Participation",
    "jury.mean": "Note moyenne", "jury.jurors": "Jurés", "jury.spread": "Plus basse–plus haute",
}

MESSAGES: dict[str, dict[str, str]] = {"en": EN, "fr": FR}


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)`` for ``lang``.

    Raises:
        KeyError: ``key`` is in no table (a bug the page tests catch).
    """
    table = MESSAGES.get(lang, EN)

    def t(key: str, **values: object) -> str:
        template = table.get(key)
        if template is None:
            raise KeyError(f"interface text {key!r} is missing in {lang!r}")
        return template.format(**values) if values else template

    return t


def pick_lang(request: Request, user_lang: str = "", default: str = "en") -> str:
    """The language of this response (see the module docstring for the order)."""
    asked = request.query_params.get("lang", "")
    if asked in LANGS:
        request.state.set_lang = asked
        return asked
    cookie = request.cookies.get(LANG_COOKIE, "")
    if cookie in LANGS:
        return cookie
    if user_lang in LANGS:
        return user_lang
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return default if default in LANGS else "en"


def core_words(lang: str) -> dict[str, Callable[..., str]]:
    """The core's own words for templates, in ``lang``: ``qc_word`` (a QC check's name),
    ``qc_value`` (a fixed measured word), ``moment_reason`` (a stored moment's reason,
    written again from its kind and measures), ``job_kind`` (a job's kind; a kind someone
    else registered keeps its own name) and ``stage`` (a job's progress message, when it is
    one of the core's stage words)."""
    from coulisses.analysis.moments import reason_in
    from coulisses.i18n import MESSAGES as CORE
    from coulisses.i18n import text, word

    def moment_reason(moment: dict[str, object]) -> str:
        scores = moment.get("scores")
        if isinstance(scores, dict) and scores:
            return reason_in(str(moment.get("kind", "bts")), scores, lang)
        return str(moment.get("reason", ""))

    return {"qc_word": lambda name: word(lang, "qc", str(name)),
            "qc_value": lambda value: word(lang, "qcv", str(value)),
            "moment_reason": moment_reason,
            "job_kind": lambda kind: MESSAGES.get(lang, EN).get(f"jobkind.{kind}", str(kind)),
            "stage": lambda m: text(lang, m) if m in CORE["en"] else str(m or "")}


def timecode(seconds: float | None) -> str:
    """``mm:ss.ff`` for display (``hh:mm:ss.ff`` from an hour on): ``timecode.format_timecode``,
    which the time fields read back as typed."""
    from coulisses.timecode import format_timecode

    return "" if seconds is None else format_timecode(seconds)
