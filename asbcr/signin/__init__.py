"""Staff sign-in: a password, then a second factor, then a session that ends.

- The password step is Django's ``LoginView``; django-axes (first authentication
  backend) refuses it for a username or client address with too many failures.
- A user who has given only the password is *anonymous* to every view
  (``SecondFactorMiddleware``): no page, the Django admin included, can show them
  anything until an authenticator-app code or a backup code is given (django-otp).
- A signed-in session ends after ``SESSION_IDLE_TIMEOUT_MINUTES`` without a request and
  ``SESSION_ABSOLUTE_TIMEOUT_HOURS`` after signing in (``SessionTimeoutMiddleware``).
"""
