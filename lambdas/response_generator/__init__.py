"""response_generator: the customer response and priority of one ticket (Bedrock, structured)."""
