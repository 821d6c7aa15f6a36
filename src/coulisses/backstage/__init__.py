"""Open the making: a campaign's public backstage page, polls on creative choices with layered
vote-fraud checks, and moderated public comments. The web routes are thin clients of it."""
