"""Tests of the gateway.

A package on purpose: pytest names a test module after its folder, and without this file
``gateway/tests/conftest.py`` would be imported as ``gateway.tests.conftest``, turning the
``gateway/`` folder into a stand-in ``gateway`` module that hides the real package.
"""
