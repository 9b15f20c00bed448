"""s3_writer: the flat ``ProcessedTicket`` of one workflow execution, written to the lake."""
