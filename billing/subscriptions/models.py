"""Plans, subscriptions and payments come with issue 5."""
