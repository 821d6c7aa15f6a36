"""Challenges: public calls for video entries (a casting call), taken in by the thousand,
triaged stage by stage (technical QC, near-duplicates, speech and relevance), shortlisted with
a reason for every exclusion, judged by a jury and, when the campaign says so, by a public vote.

The campaign file's ``challenges:`` section says what a challenge asks for
(``coulisses.campaign.schema.Challenge``); ``entry`` holds what every stage is given and gives
back; ``tables`` the entries and their consent records in the studio database. (The proof-of-work
puzzle that guards the backstage page's votes is ``coulisses.backstage.challenge``: a different
thing.)
"""
