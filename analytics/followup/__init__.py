"""Following the visit list to its outcome: the list a township visits, and what the visits found.

Above risk (the list is the model's ranking) and below planning and views; the results
themselves are kept in analytics.data.visits, the file they come back in is read by
analytics.ingest.visits."""
