"""时限看板: the console's read model of every open legal clock, kept from the services' events
(issue #13), its page, its gauge and the actions an officer takes from it."""
