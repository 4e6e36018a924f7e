extension CadenceBook {
    /// The cadence a new ledger starts with (`init` writes it as `cadence.yaml`).
    package static let defaultText = """
        # DueTrail cadence: which reminders go out when, relative to each invoice's due date.
        #
        #   when:     -3d = 3 calendar days before the due date, +10d = 10 days after,
        #             +5bd = 5 business days after (weekends and holidays not counted),
        #             +2w = two weeks after, +1m = a month after.
        #             A step that lands on a weekend, holiday or quiet day moves to the next
        #             day on which reminders may be sent.
        #   email:    a template in templates/ (without .mustache), drafted for review;
        #   task:     a to-do for a person instead (never done automatically).
        #   approve:  review (the default: a person approves each draft) or auto (sent on
        #             this committed cadence's authority; use with care).
        #
        # A case gets the one step due now, never every step it missed. A case the cadence
        # reaches late (an old invoice imported, a case back from a dispute or hold) gets the
        # most advanced email step its age has passed (`catch_up: latest-email`), or the first
        # one it has not had (`catch_up: first-email`); a task never comes before the email it
        # follows was sent. A cadence may set its own `catch_up:` and `list:` by holding
        # `steps:` instead of a plain list. Customers choose a cadence with `cadence: NAME` in
        # customers/<slug>.yaml (default: `default`).
        # `duetrail cadence` prints this file in plain words; `duetrail cadence check` checks it.

        minimum_gap: 5d          # at least this long between two reminders to one customer
        promise_grace: 2bd       # wait this long after a promised date before it counts as broken
        statement: statement     # one message listing several invoices at different steps
        promise_broken: promise-broken
        catch_up: latest-email   # or first-email
        list: all                # a reminder lists every overdue invoice of the customer; or due-only
        escalation_wait: 7bd     # a task after the final email comes this long after it was sent

        calendar:
          weekend: [saturday, sunday]
          holidays: []           # e.g. [2026-12-25, 2026-12-26, 2027-01-01]
          quiet_days: []         # business days on which nothing is sent, e.g. [2026-12-24]

        cadences:
          default:
            - id: courtesy
              when: -3d
              email: courtesy
            - id: nudge
              when: +3d
              email: nudge
            - id: firm
              when: +10d
              email: firm
            - id: call
              when: +14d
              task: phone the customer
            - id: final
              when: +21d
              email: final
            - id: escalation
              when: +30d
              task: decide on escalation
          gentle:
            - id: nudge
              when: +7d
              email: nudge
            - id: firm
              when: +21d
              email: firm
            - id: call
              when: +30d
              task: phone the customer

        """
}
