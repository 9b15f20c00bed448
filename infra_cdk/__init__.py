"""The AWS CDK app of the real-time path: ``app.py`` is the entry point, ``stacks/`` the stack,
``components/`` its constructs, ``bundling.py`` the Docker-free Lambda packaging."""
