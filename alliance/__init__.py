"""Alliance des territoires: logic of the dashboard of France's inter-territorial cooperations."""
