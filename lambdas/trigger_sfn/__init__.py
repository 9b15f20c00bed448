"""trigger_sfn: one ticket workflow execution per ``TicketSubmitted`` on the Kinesis stream."""
